"""The content validator, as a content writer meets it: every mistake named by file and node.

Each test copies the clean fixture (`tests/fixtures/clean/`) and breaks one thing, so the
broken YAML sits next to the assertion about it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError, Problem, check_content, load_content

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "clean"
REPO = Path(__file__).resolve().parents[1]

#: A flow file with one node that is fine; tests replace `{node}` with a broken node.
FLOW = """\
id: extra
title: Extra
start: first
nodes:
  first:
    source: test
    say: First
    buttons:
      - {{label: Next, go: broken}}
  broken:
{node}
"""


def content_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the clean fixture with `files` (relative paths) written over it."""
    root = tmp_path / "content"
    shutil.copytree(CLEAN, root)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def indent(node: str) -> str:
    return "\n".join("    " + line for line in node.strip("\n").splitlines())


def problems_for_node(tmp_path: Path, node: str, fields: str | None = None) -> list[Problem]:
    files = {"flows/extra.yaml": FLOW.format(node=indent(node))}
    if fields is not None:
        files["fields.yaml"] = fields
    _, problems = check_content(content_with(tmp_path, files))
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def assert_broken_node(problem: Problem, words: str) -> None:
    assert problem.file == "content/flows/extra.yaml"
    assert problem.node == "broken"
    assert words in problem.message
    assert str(problem).startswith("content/flows/extra.yaml node 'broken': ")


def test_the_clean_fixture_has_no_problems() -> None:
    content, problems = check_content(CLEAN)
    assert problems == []
    assert set(content.flows) == {"menu", "welcome"}
    assert load_content(CLEAN).version == content.version


def test_a_button_to_a_node_that_does_not_exist(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
buttons:
  - {label: Next, go: nowhere}
"""))
    assert_broken_node(problem, "unknown target node 'nowhere'")


def test_a_timer_to_a_node_that_does_not_exist(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
timer: {minutes: 5, go: later}
"""))
    assert_broken_node(problem, "unknown target node 'later'")


def test_a_button_to_a_flow_that_does_not_exist(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
buttons:
  - {label: Elsewhere, flow: no_such_flow}
"""))
    assert_broken_node(problem, "unknown flow 'no_such_flow'")


def test_a_node_nothing_leads_to(tmp_path: Path) -> None:
    flow = FLOW.format(node=indent("""
source: test
say: Hi
end: true
""")) + """\
  orphan:
    source: test
    say: Nobody gets here
    end: true
"""
    _, problems = check_content(content_with(tmp_path, {"flows/extra.yaml": flow}))
    problem = only(problems)
    assert (problem.file, problem.node) == ("content/flows/extra.yaml", "orphan")
    assert "unreachable" in problem.message


def test_a_dead_end_that_is_not_marked_as_an_end(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: And then nothing
"""))
    assert_broken_node(problem, "dead end")


def test_a_marked_end_with_nothing_to_tap_is_fine(tmp_path: Path) -> None:
    assert problems_for_node(tmp_path, "source: test\nsay: Bye\nend: true\n") == []


def test_a_screen_with_no_route_to_crisis_help(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
crisis_button: false
end: true
"""))
    assert_broken_node(problem, "no route to crisis help")


def test_a_crisis_button_may_name_the_card_it_opens(tmp_path: Path) -> None:
    assert problems_for_node(tmp_path, """
source: test
say: Are you safe?
buttons:
  - {label: "I'm not safe", action: crisis, risk: danger}
""") == []


def test_a_risk_on_a_button_that_does_not_open_the_crisis_card(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
end: true
buttons:
  - {label: Menu, action: menu, risk: danger}
"""))
    assert_broken_node(problem, "risk is only for a button with action: crisis")


def test_a_crisis_button_with_an_unknown_risk(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
buttons:
  - {label: Help, action: crisis, risk: scary}
"""))
    assert_broken_node(problem, "risk")


def test_a_text_over_telegrams_limit(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, f"""
source: test
say: {"a" * 4097}
end: true
"""))
    assert_broken_node(problem, "text over 4096 characters")


def test_a_button_label_over_forty_characters(tmp_path: Path) -> None:
    label = "x" * 41
    problem = only(problems_for_node(tmp_path, f"""
source: test
say: Hi
buttons:
  - {{label: {label}, go: first}}
"""))
    assert_broken_node(problem, "button label over 40 characters")


def test_callback_data_over_sixty_four_bytes(tmp_path: Path) -> None:
    flow_id, node_id = "f" * 32, "n" * 32  # each within the 32-character id limit
    flow = f"""\
id: {flow_id}
title: Long ids
start: {node_id}
nodes:
  {node_id}:
    source: test
    say: Hi
    end: true
"""
    _, problems = check_content(content_with(tmp_path, {"flows/long.yaml": flow}))
    problem = only(problems)
    assert (problem.file, problem.node) == ("content/flows/long.yaml", node_id)
    assert "callback data over 64 bytes" in problem.message


def test_recording_a_field_that_is_not_declared(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
buttons:
  - {label: Sure, go: first, record: {mood: calm}}
"""))
    assert_broken_node(problem, "undeclared field 'mood'")


def test_recording_a_value_that_is_not_declared(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Hi
buttons:
  - {label: Sure, go: first, record: {tactic: flattery}}
"""))
    assert_broken_node(problem, "value 'flattery' not declared for field 'tactic'")


def test_a_scale_recording_a_field_that_is_not_a_scale(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: How strong?
scale: {record: tactic, go: first}
"""))
    assert_broken_node(problem, "field 'tactic' is enum, not scale")


def test_a_checklist_value_that_is_not_declared(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: Tick what helps
checklist:
  field: steps
  go: first
  items:
    - {value: mute, label: Mute}
    - {value: block, label: Block}
"""))
    assert_broken_node(problem, "checklist value 'block' not declared for 'steps'")


def test_an_unknown_placeholder(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, """
source: test
say: "Hello {name}"
end: true
"""))
    assert_broken_node(problem, "unknown placeholder '{name}'")


def test_known_placeholders_are_accepted(tmp_path: Path) -> None:
    node = 'source: test\nsay: "{person} {Person} {days} {list:steps}"\nend: true\n'
    assert problems_for_node(tmp_path, node) == []


def test_a_list_placeholder_of_a_field_that_is_not_a_checklist(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, 'source: test\nsay: "{list:tactic}"\nend: true\n'))
    assert_broken_node(problem, "unknown placeholder '{list:tactic}'")


def test_a_file_that_is_not_valid_yaml(tmp_path: Path) -> None:
    root = content_with(tmp_path, {"flows/extra.yaml": "id: extra\nnodes: [unclosed\n"})
    problem = only(check_content(root)[1])
    assert (problem.file, problem.node) == ("content/flows/extra.yaml", None)
    assert "not valid YAML" in problem.message


def test_a_node_without_its_source(tmp_path: Path) -> None:
    problem = only(problems_for_node(tmp_path, "say: Hi\nend: true\n"))
    assert_broken_node(problem, "source")
    assert "Field required" in problem.message


def test_two_flows_with_one_id(tmp_path: Path) -> None:
    copy = (CLEAN / "flows" / "menu.yaml").read_text(encoding="utf-8")
    root = content_with(tmp_path, {"flows/zz_menu_again.yaml": copy})
    problem = only(check_content(root)[1])
    assert problem.file == "content/flows/zz_menu_again.yaml"
    assert "flow id 'menu' already used in content/flows/menu.yaml" in problem.message


@pytest.mark.parametrize("flow", ["menu", "welcome"])
def test_a_required_flow_is_missing(tmp_path: Path, flow: str) -> None:
    root = content_with(tmp_path, {})
    (root / "flows" / f"{flow}.yaml").unlink()
    problem = only(check_content(root)[1])
    assert f"required flow '{flow}' missing" in problem.message


def test_a_field_declaration_mistake_names_fields_yaml(tmp_path: Path) -> None:
    root = content_with(tmp_path, {"fields.yaml": "tactic: {kind: colour}\n"})
    problem = only(check_content(root)[1])
    assert problem.file == "fields.yaml"
    assert "tactic" in problem.message


def test_every_problem_is_reported_at_once() -> None:
    _, problems = check_content(FIXTURES / "three_problems")
    assert [(p.node, p.message.split(":")[0]) for p in problems] == [
        ("home", "unknown target node 'missing_node'"),
        ("home", "button label over 40 characters"),
        ("stuck", "dead end"),
    ]
    assert {p.file for p in problems} == {"three_problems/flows/menu.yaml"}
    with pytest.raises(ContentError) as raised:
        load_content(FIXTURES / "three_problems")
    assert raised.value.problems == problems


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    root = content_with(tmp_path, {
        "flows/a.yaml": "id: a\nnodes: [",
        "flows/b.yaml": "id: b\ntitle: B\nstart: s\nnodes:\n  s: {say: Hi, end: true}\n",
    })
    problems = check_content(root)[1]
    assert {p.file for p in problems} == {"content/flows/a.yaml", "content/flows/b.yaml"}


def check_content_cli(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "check-content", str(root)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def test_check_content_command_lists_every_problem_and_exits_1() -> None:
    result = check_content_cli(FIXTURES / "three_problems")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [str(p) for p in check_content(FIXTURES / "three_problems")[1]]
    assert "3 problem(s)" in lines[3]


def test_check_content_command_exits_0_on_clean_content() -> None:
    result = check_content_cli(CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "content OK" in result.stdout
