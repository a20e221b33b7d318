"""The scripted console session of the README: 10 visits in the demo commune, then /cuatoi."""

from pathlib import Path

from tests.test_cli import cdsbot

SESSION = Path(__file__).parent.parent.parent / "docs" / "demo-session.txt"


def test_demo_session_logs_ten_visits_and_cuatoi_shows_them(tmp_path):
    assert cdsbot(tmp_path, "demo").returncode == 0
    script = SESSION.read_text(encoding="utf-8")
    proc = cdsbot(tmp_path, "chat", "--user", "lan", "--join", "volunteer", stdin=script)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "🎉" in out
    assert out.count("✅ Đã lưu") == 10
    assert "Tổng cộng: 10 lượt thăm, 13 chuyển đổi" in out
    assert "Xếp hạng ở Thôn 1 tháng này: 1/1" in out
    # Running it again as the same user does not join twice; the household keys are counted once.
    again = cdsbot(tmp_path, "chat", "--user", "lan", "--join", "volunteer", stdin=script)
    assert "Tổng cộng: 20 lượt thăm, 13 chuyển đổi" in again.stdout
    assert "không tính lại" in again.stdout
