"""The durable due-queue: flow timers and check-ins, claimed atomically and sent once."""
