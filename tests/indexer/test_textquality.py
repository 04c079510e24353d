import pytest

from indexer.textquality import is_garbled


@pytest.mark.parametrize("text", [
    "用电检查工作单\n户号：3301000001\n户名：杭州明远纺织有限公司",
    "Contract No. GY-2021-0315, transformer S11-M-630/10, 630 kVA",
    "第 1 页",  # too short to judge
    "臺灣電力公司用電申請書 戶號：3301000009 繳費憑證已檢附",  # 繁體: outside GB2312, still text
    "電気需給契約書 お客様番号 契約電力は五百キロワットとする",  # Japanese
])
def test_real_text_is_not_garbled(text: str) -> None:
    assert not is_garbled(text)


@pytest.mark.parametrize("text", [
    "\x01\x02\x03\x04\x05\x06\x07\n\x08\t\n3301234567\n\x08\x0b\n\x0c\r\x0e\x0f",  # no ToUnicode
    "\ufffd\ufffd\ufffd\ufffd 户号 \ufffd\ufffd\ufffd\ufffd\ufffd",  # replacement characters
    "\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008",  # private use area
    "䶮䶯䶰䶱䶲䶳䶴䶵㐀㐁㐂㐃㐄",  # plausible-looking but rare: wrong glyph mapping
    "ÓÃµç¼ì²é¹¤×÷µ¥ »§ºÅ£º3301000001",  # GBK read as Latin-1
    "/G21/G22/G23/G24/G25/G26/G27\n/G28/G29/G30/G71/G71/G68",  # glyph names (方正书版 fonts)
    "(cid:12)(cid:13)(cid:14)(cid:15) 3301000001 (cid:16)(cid:17)",  # CID numbers
])
def test_garbage_is_recognised(text: str) -> None:
    assert is_garbled(text)
