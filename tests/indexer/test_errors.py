import errno
import os

from indexer.errors import os_reason


def test_system_refusals_are_said_in_chinese() -> None:
    assert os_reason(PermissionError(errno.EACCES, os.strerror(errno.EACCES))) == "权限不足"
    assert os_reason(OSError(errno.EIO, os.strerror(errno.EIO))) == "磁盘读取错误（介质可能损坏）"
    assert os_reason(OSError(errno.EXDEV, os.strerror(errno.EXDEV))) == \
        f"系统错误，错误码 {errno.EXDEV}"
    assert os_reason(OSError("no errno")) == "系统错误"
