"""The Telegram shell: python-telegram-bot `Application`, handlers, delivery."""
