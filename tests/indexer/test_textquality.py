import pytest

from indexer.textquality import is_garbled


@pytest.mark.parametrize("text", [
    "用电检查工作单\n户号：3301000001\n户名：杭州明远纺织有限公司",
    "Contract No. GY-2021-0315, transformer S11-M-630/10, 630 kVA",
    "第 1 页",  # too short to judge
])
def test_real_text_is_not_garbled(text: str) -> None:
    assert not is_garbled(text)


@pytest.mark.parametrize("text", [
    "\x01\x02\x03\x04\x05\x06\x07\n\x08\t\n3301234567\n\x08\x0b\n\x0c\r\x0e\x0f",  # no ToUnicode
    "\ufffd\ufffd\ufffd\ufffd 户号 \ufffd\ufffd\ufffd\ufffd\ufffd",  # replacement characters
    "\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008",  # private use area
    "䶮䶯䶰䶱䶲䶳䶴䶵㐀㐁㐂㐃㐄",  # plausible-looking but rare: wrong glyph mapping
    "ÓÃµç¼ì²é¹¤×÷µ¥ »§ºÅ£º3301000001",  # GBK read as Latin-1
])
def test_garbage_is_recognised(text: str) -> None:
    assert is_garbled(text)
