"""Styles and list numbering of a .docx, as a reader meets them: a paragraph's style
with what it inherits, and the number or bullet a list paragraph shows."""

from __future__ import annotations

import re

from lxml import etree

from ..ooxml import w

_BUILTIN_LOWER = re.compile(
    r"(heading|toc|index) [1-9]|caption|header|footer|footnote text|endnote text|title|subtitle|normal"
)


def _on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(w("val"), "true").lower() not in ("0", "false", "off", "none")


def _rpr_props(rpr: etree._Element | None) -> dict[str, bool]:
    props: dict[str, bool] = {}
    if rpr is None:
        return props
    for key, tag in (("b", "b"), ("i", "i"), ("hidden", "vanish")):
        value = _on(rpr.find(w(tag)))
        if value is not None:
            props[key] = value
    u = rpr.find(w("u"))
    if u is not None:
        props["u"] = u.get(w("val"), "single") != "none"
    return props


def _twips(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def _ppr_props(ppr: etree._Element | None) -> dict:
    props: dict = {}
    if ppr is None:
        return props
    sp = ppr.find(w("spacing"))
    if sp is not None:
        for key in ("before", "after"):
            if sp.get(w(key)) is not None or sp.get(w(key + "Autospacing")) is not None:
                auto = _on_attr(sp.get(w(key + "Autospacing")))
                props[key] = 1 if auto else _twips(sp.get(w(key)))
    if (cs := _on(ppr.find(w("contextualSpacing")))) is not None:
        props["contextual"] = cs
    num = ppr.find(w("numPr"))
    if num is not None:
        if (el := num.find(w("numId"))) is not None:
            props["numId"] = el.get(w("val"), "0")
        if (el := num.find(w("ilvl"))) is not None:
            props["ilvl"] = _twips(el.get(w("val")))
    return props


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in ("0", "false", "off")


def _display_style_name(name: str) -> str:
    # Word stores some built-in names in lower case ("heading 1") but shows them capitalised.
    if _BUILTIN_LOWER.fullmatch(name):
        return "TOC" + name[3:] if name.startswith("toc") else name.title()
    return name


class _Styles:
    """styles.xml: names, basedOn chains, and the run/paragraph properties each style sets."""

    def __init__(self, root: etree._Element | None) -> None:
        self.names: dict[str, str] = {}
        self.based: dict[str, str] = {}
        self.rpr: dict[str, dict] = {}
        self.ppr: dict[str, dict] = {}
        self.default_para: str | None = None
        self.default_rpr: dict = {}
        self.default_ppr: dict = {}
        self._cache: dict = {}
        if root is None:
            return
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.default_rpr = _rpr_props(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"))
            self.default_ppr = _ppr_props(defaults.find(f"{w('pPrDefault')}/{w('pPr')}"))
        for st in root.iter(w("style")):
            sid = st.get(w("styleId"))
            if sid is None:
                continue
            name = st.find(w("name"))
            self.names[sid] = _display_style_name(name.get(w("val"), sid) if name is not None else sid)
            if (based := st.find(w("basedOn"))) is not None:
                self.based[sid] = based.get(w("val"), "")
            self.rpr[sid] = _rpr_props(st.find(w("rPr")))
            self.ppr[sid] = _ppr_props(st.find(w("pPr")))
            if st.get(w("type")) == "paragraph" and _on_attr(st.get(w("default"))):
                self.default_para = sid

    def name(self, sid: str | None) -> str:
        return self.names.get(sid, sid) if sid else "Normal"

    def _chain_props(self, sid: str | None, table: dict[str, dict]) -> dict:
        key = (id(table), sid)
        if key not in self._cache:
            chain, seen = [], set()
            while sid and sid in self.names and sid not in seen:  # basedOn loops exist in the wild
                seen.add(sid)
                chain.append(sid)
                sid = self.based.get(sid)
            merged: dict = {}
            for s in reversed(chain):
                merged.update(table.get(s, {}))
            self._cache[key] = merged
        return self._cache[key]

    def paragraph_props(self, sid: str | None, direct: dict) -> dict:
        return {**self.default_ppr, **self._chain_props(sid, self.ppr), **direct}

    def run_format(self, psid: str | None, rsid: str | None, direct: dict) -> tuple[bool, bool, bool, bool]:
        """(bold, italic, underline, hidden) for a run."""
        pv = self._chain_props(psid, self.rpr)
        cv = self._chain_props(rsid, self.rpr)
        out = []
        for key in ("b", "i", "u", "hidden"):
            if key in direct:
                out.append(direct[key])
            elif key == "u":
                out.append(cv.get("u", pv.get("u", self.default_rpr.get("u", False))))
            elif key in pv or key in cv:
                # Toggle properties: a bold character style inside a bold paragraph style
                # turns bold off in Word (ECMA-376 17.7.3).
                out.append(pv.get(key, False) ^ cv.get(key, False))
            else:
                out.append(self.default_rpr.get(key, False))
        return out[0], out[1], out[2], out[3]


class _Numbering:
    """numbering.xml, and the counters that turn a numbered paragraph into "1." or "b)"."""

    def __init__(self, root: etree._Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counts: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract = {a.get(w("abstractNumId")): {_twips(lvl.get(w("ilvl"))): self._level(lvl)
                                                  for lvl in a.findall(w("lvl"))}
                    for a in root.iter(w("abstractNum"))}
        for num in root.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            levels = dict(abstract.get(ref.get(w("val")) if ref is not None else None, {}))
            for ov in num.iter(w("lvlOverride")):
                ilvl = _twips(ov.get(w("ilvl")))
                if (lvl := ov.find(w("lvl"))) is not None:
                    levels[ilvl] = self._level(lvl)
                if (start := ov.find(w("startOverride"))) is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _twips(start.get(w("val"))))
            self.levels[num.get(w("numId"))] = levels

    @staticmethod
    def _level(lvl: etree._Element) -> tuple[str, str, int]:
        """(numFmt, lvlText, start) of one w:lvl."""
        fmt = lvl.find(w("numFmt"))
        text = lvl.find(w("lvlText"))
        start = lvl.find(w("start"))
        return (
            fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
            text.get(w("val"), "") if text is not None else "",
            _twips(start.get(w("val"))) if start is not None else 1,
        )

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id, {})
        fmt, text, start = levels[ilvl]
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if fmt == "bullet":
            # Symbol/Wingdings bullets live in the private-use area; show a plain bullet.
            return text if text and ord(text[0]) < 0xE000 else "•"
        if fmt == "none":
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            kfmt, _, kstart = levels.get(k, ("decimal", "", 1))
            return _format_number(counts.get(k, kstart), kfmt)

        return re.sub(r"%([1-9])", number, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        s = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                               (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                s, n = s + numeral, n - value
        return s.upper() if fmt == "upperRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
