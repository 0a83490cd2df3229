"""Server-rendered SVG charts and small display helpers (no JavaScript needed)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()
PALETTE = ["#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#6b7280"]


@register.simple_tag
def bar_chart(rows, title: str = "", colors=None):
    """Horizontal bar chart of (label, value) rows, with an accessible title and a text table fallback."""
    rows = list(rows or [])
    if not rows:
        return mark_safe('<p class="muted">No data yet.</p>')
    width, bar_h, gap, label_w = 480, 22, 8, 190
    top = max(v for _, v in rows) or 1
    height = len(rows) * (bar_h + gap)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(2, int((width - label_w - 60) * value / top))
        color = (colors or {}).get(label) or PALETTE[i % len(PALETTE)]
        short = str(label) if len(str(label)) <= 26 else str(label)[:25] + "…"
        parts.append(f'<text x="0" y="{y + 15}"><title>{escape(str(label))}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="4" fill="{color}"></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}">{value:,}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag
def tier_badge(tier):
    if tier is None:
        return ""
    return mark_safe(f'<span class="badge tier" style="background:{escape(tier.color)}">{escape(tier.name)}</span>')


@register.filter
def status_class(status: str) -> str:
    return {
        "active": "ok", "done": "ok", "approved": "ok", "applied": "ok", "qualified": "warn", "pending": "warn",
        "grace": "warn", "onboarding": "warn", "open": "", "declined": "bad", "rejected": "bad", "suspended": "bad",
        "offboarded": "bad", "withdrawn": "",
    }.get(str(status), "")


@register.filter
def pct(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.filter
def fact_label(key: str) -> str:
    from allied.program.facts import fact_get

    fact = fact_get(key)
    return f"{fact.label} ({key})" if fact else key
