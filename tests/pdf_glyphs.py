"""What a PDF's fonts say of its glyphs: the ToUnicode maps (pypdf), from which one can tell
whether Arabic was shaped (one letter drawn with several glyphs: initial, medial, final)."""

import io
import re

from pypdf import PdfReader


def glyphs_of(pdf: bytes, char: str) -> int:
    """How many glyphs of the PDF's fonts stand for ``char``."""
    code = f"<{ord(char):04X}>"
    maps = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            to_unicode = ref.get_object().get("/ToUnicode")
            if to_unicode is not None:
                maps.append(to_unicode.get_object().get_data().decode("latin-1"))
    return len(re.findall(re.escape(code), "\n".join(maps), re.IGNORECASE))
