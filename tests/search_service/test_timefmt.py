from datetime import datetime, timezone

from search_service.timefmt import beijing


def test_utc_times_are_shown_in_beijing_time() -> None:
    assert beijing("2026-03-02T17:30:00.000000Z") == "2026-03-03 01:30:00"
    assert beijing(datetime(2026, 3, 2, 17, 30, tzinfo=timezone.utc), seconds=False) \
        == "2026-03-03 01:30"
    assert beijing("2026-03-02T17:30:00+00:00") == "2026-03-03 01:30:00"
    assert beijing(None) == "" and beijing("") == ""
