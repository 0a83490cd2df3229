"""The printable certificate: one landscape A4 page drawn with fpdf2 in a core font (a few milliseconds).

Core fonts cover Latin-1 only: other letters are transliterated in the PDF (the pages keep every name exact).
"""

import unicodedata

from fpdf import FPDF

from allied.program.models import ProgramSettings

from .models import UserCertification

_PUNCT = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...",
                        "\u00a0": " ", "\u0141": "L", "\u0142": "l", "\u0131": "i", "\u0152": "OE", "\u0153": "oe"})


def latin1(value) -> str:
    """Text the PDF core fonts can draw: accents kept, other letters transliterated or '?'."""
    text = ("" if value is None else str(value)).translate(_PUNCT)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?")
    return "".join(out)


def certificate_pdf(held: UserCertification) -> bytes:
    cert, user, partner = held.certification, held.user, held.partner
    vendor = ProgramSettings.current().vendor_name
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(latin1(f"{cert.name} - {user.full_name or user.email}"))
    pdf.set_author(latin1(vendor))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(29, 78, 216)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(text: str, y: float, size: float, style: str = "", color=(17, 24, 39)) -> None:
        pdf.set_font("helvetica", style=style, size=size)
        pdf.set_text_color(*color)
        pdf.set_xy(20, y)
        pdf.cell(pdf.w - 40, size * 0.5, latin1(text), align="C")

    line(f"{vendor} partner program", 32, 14, color=(75, 85, 99))
    line("Certificate of achievement", 46, 30, "B", color=(29, 78, 216))
    line("This certifies that", 72, 13, color=(75, 85, 99))
    line(user.full_name or user.email, 84, 26, "B")
    line(f"of {partner.name}", 100, 14, color=(75, 85, 99))
    line("has earned the certification", 116, 13, color=(75, 85, 99))
    line(cert.name, 128, 22, "B")
    valid = f"Valid until {held.expires_at:%B %d, %Y}" if held.expires_at else "Does not expire"
    line(f"Earned on {held.earned_at:%B %d, %Y}  ·  {valid}".replace("·", "-"), 152, 12)
    if held.status != "active":
        line(f"Status: {held.get_status_display()}", 162, 12, "B", color=(185, 28, 28))
    line(f"Certificate {held.public_id}", pdf.h - 30, 9, color=(107, 114, 128))
    return bytes(pdf.output())
