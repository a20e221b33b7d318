"""`kill -9` of a real `cdsbot chat` while it saves quick-logged visits with conversions:
every visit is saved with all its conversions or not at all, and nothing is doubled."""

from __future__ import annotations

import os
import signal
import time

from tests.ops.test_db_faults import Store, cdsbot, store  # noqa: F401 - the store fixture

# Forty households of the demo commune (ten per village), each new: a visit with two conversions.
CODES = [f"PA12{v:02d}{n:07d}" for v in range(1, 5) for n in range(1, 11)]


def visit_counts(store: Store) -> tuple[int, int, int]:  # noqa: F811 - the fixture's type
    return (
        store.scalar("SELECT count(*) FROM visit WHERE deleted_at IS NULL"),
        store.scalar("SELECT count(*) FROM conversion"),
        store.scalar(
            "SELECT count(*) FROM (SELECT household_id, indicator_id FROM conversion "
            "GROUP BY household_id, indicator_id HAVING count(*) > 1) AS doubled"
        ),
    )


def assert_whole(store: Store) -> int:  # noqa: F811
    visits, conversions, doubled = visit_counts(store)
    assert doubled == 0
    assert conversions == 2 * visits  # no visit without its conversions, none without a visit
    orphans = store.scalar(
        "SELECT count(*) FROM conversion c LEFT JOIN visit v ON v.id = c.visit_id "
        "WHERE v.id IS NULL"
    )
    assert orphans == 0
    assert store.scalar("SELECT count(*) FROM inbound WHERE status != 'done'") == 0
    return visits


def test_kill_9_while_saving_visits_keeps_every_visit_whole(tmp_path, store):  # noqa: F811
    first = cdsbot(tmp_path, store.url, "chat", "--user", "lan", "--join", "volunteer")
    out, err = first.communicate(f"{CODES[0].lower()} dien nuoc\n1\n", timeout=120)
    assert first.returncode == 0, err
    assert assert_whole(store) == 1

    burst = cdsbot(tmp_path, store.url, "chat", "--user", "lan", "--join", "volunteer")
    # Every household left: the faster a turn, the more must still be queued at the kill.
    burst.stdin.write("".join(f"{code} dien nuoc\n1\n" for code in CODES[1:]))
    burst.stdin.flush()
    deadline = time.monotonic() + 90
    while visit_counts(store)[0] < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(burst.pid, signal.SIGKILL)
    burst.wait(timeout=30)
    assert burst.returncode == -signal.SIGKILL
    saved = assert_whole(store)
    assert 6 <= saved < len(CODES)

    # After the restart the user carries on: the next household counts once, exactly.
    again = cdsbot(tmp_path, store.url, "chat", "--user", "lan", "--join", "volunteer")
    script = f"/huy\n{CODES[saved]} dien nuoc\n1\n{CODES[0]} dien\n/huy\n"
    out, err = again.communicate(script, timeout=120)
    assert again.returncode == 0, err
    assert "không tính lại" in out or "already" in out, out[-600:]
    assert assert_whole(store) == saved + 1
    assert store.scalar("SELECT count(*) FROM member") == 1
