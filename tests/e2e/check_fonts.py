#!/usr/bin/python3
"""check_fonts.py [--glyphs TEXT] [--fonts NAMES] PDF...

Checks every font of each PDF as the writer embeds them (pipeline/pdf/pdf.c
with fonts.c's hb-subset): a Type0 font, Identity-H, with one CIDFontType2
(FontFile2, a TrueType program, CIDToGIDMap /Identity) or CIDFontType0
(FontFile3 /CIDFontType0C, a CID-keyed CFF) descendant, a subset tag; the
program parses (sfnt table directory and checksums; CFF INDEXes and
charset) and holds every code drawn: a glyph id below numGlyphs with an
outline and the components of composites present (TrueType), a CID of the
charset with a charstring (CFF); the widths W cover exactly the codes of
the ToUnicode map, and every code shown on a page (Tj/TJ) is in both: the
ToUnicode map is complete. --glyphs TEXT: each character of TEXT is drawn
(its code is in some font's ToUnicode and program). --fonts NAMES: the
comma-separated font names (subset tag removed): every font embedded is
one of them. Needs Debian's python3-pikepdf. Exit status 1 on any problem."""
import re
import struct
import sys

import pikepdf

from pdfcheck import problems


def checksum(b):
    b = b + b"\0" * (-len(b) % 4)
    return sum(struct.unpack(">%dI" % (len(b) // 4), b)) & 0xFFFFFFFF


def components(glyph):
    """Component glyph ids of a composite glyph ([] for a simple one)."""
    if len(glyph) < 10 or struct.unpack(">h", glyph[:2])[0] >= 0:
        return []
    ids, o = [], 10
    while True:
        flags, gid = struct.unpack(">HH", glyph[o:o + 4])
        ids.append(gid)
        o += 4 + (4 if flags & 1 else 2)
        o += 2 if flags & 8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0
        if not flags & 0x20:
            return ids


class TrueType:
    """code = glyph id; has(code): an outline, components present."""

    def __init__(self, data, e):
        self.t = {}
        nt = struct.unpack(">H", data[4:6])[0]
        for i in range(nt):
            tag, cs, off, ln = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
            body = data[off: off + ln]
            if tag == b"head":
                body = body[:8] + b"\0\0\0\0" + body[12:]
            if checksum(body) != cs:
                e.append("table %s: checksum %08X, stored %08X" % (tag, checksum(body), cs))
            self.t[tag] = data[off: off + ln]
        self.ng = struct.unpack(">H", self.t[b"maxp"][4:6])[0]
        long_loca = struct.unpack(">h", self.t[b"head"][50:52])[0] == 1
        w = 4 if long_loca else 2
        loca = self.t[b"loca"]
        fmt = ">%d%s" % (len(loca) // w, "I" if long_loca else "H")
        self.loca = [x * (1 if long_loca else 2) for x in struct.unpack(fmt, loca)]
        self.e = e

    def glyph(self, g):
        if g + 1 >= len(self.loca):
            return b""
        return self.t[b"glyf"][self.loca[g]: self.loca[g + 1]]

    def has(self, code, cp):
        if code >= self.ng:
            return "glyph %d beyond numGlyphs %d" % (code, self.ng)
        todo, seen = [code], set()
        while todo:
            g = todo.pop()
            seen.add(g)
            if not self.glyph(g) and cp != 0x20 and cp != 0x3000:
                return "glyph %d (U+%04X) has no outline" % (g, cp)
            todo += [c for c in components(self.glyph(g)) if c not in seen]
        return None


def cff_index(d, at):
    """(items, offset after the INDEX)."""
    count = struct.unpack(">H", d[at:at + 2])[0]
    if not count:
        return [], at + 2
    osz = d[at + 2]
    offs = [int.from_bytes(d[at + 3 + i * osz: at + 3 + (i + 1) * osz], "big") for i in range(count + 1)]
    base = at + 3 + (count + 1) * osz - 1
    return [d[base + offs[i]: base + offs[i + 1]] for i in range(count)], base + offs[-1]


def cff_dict(d):
    """operator -> operands of a CFF DICT."""
    out, args, i = {}, [], 0
    while i < len(d):
        b = d[i]
        if 32 <= b <= 246:
            args.append(b - 139)
            i += 1
        elif 247 <= b <= 250:
            args.append((b - 247) * 256 + d[i + 1] + 108)
            i += 2
        elif 251 <= b <= 254:
            args.append(-(b - 251) * 256 - d[i + 1] - 108)
            i += 2
        elif b == 28:
            args.append(struct.unpack(">h", d[i + 1:i + 3])[0])
            i += 3
        elif b == 29:
            args.append(struct.unpack(">i", d[i + 1:i + 5])[0])
            i += 5
        elif b == 30:
            i += 1
            while i < len(d) and (d[i] & 0xF) != 0xF and (d[i] >> 4) != 0xF:
                i += 1
            i += 1
            args.append(0.0)
        else:
            op = (12, d[i + 1]) if b == 12 else b
            i += 2 if b == 12 else 1
            out[op], args = args, []
    return out


class CFF:
    """code = CID of a CID-keyed CFF; has(code): in the charset."""

    def __init__(self, d, e):
        _, at = cff_index(d, d[2])
        tops, at = cff_index(d, at)
        top = cff_dict(tops[0])
        if (12, 30) not in top:
            e.append("CFF is not CID-keyed (no ROS)")
        strings, _ = cff_index(d, top[17][0])
        self.ng = len(strings)
        self.cid = {0: 0}
        p, fmt, g = top[15][0] + 1, d[top[15][0]], 1
        while g < self.ng:
            if fmt == 0:
                self.cid[struct.unpack(">H", d[p:p + 2])[0]] = g
                g, p = g + 1, p + 2
            else:
                first = struct.unpack(">H", d[p:p + 2])[0]
                left = d[p + 2] if fmt == 1 else struct.unpack(">H", d[p + 2:p + 4])[0]
                for k in range(left + 1):
                    self.cid[first + k] = g + k
                g, p = g + left + 1, p + 3 + (fmt == 2)
        self.strings = strings

    def has(self, code, cp):
        if code not in self.cid:
            return "CID %d (U+%04X) not in the charset" % (code, cp)
        if not self.strings[self.cid[code]]:
            return "CID %d (U+%04X) has no charstring" % (code, cp)
        return None


def tounicode(data):
    """code -> character, from bfchar and bfrange sections."""
    m = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for c, u in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[int(c, 16)] = bytes.fromhex(u.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, u in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = bytes.fromhex(u.decode()).decode("utf-16-be")
            for c in range(int(a, 16), int(b, 16) + 1):
                m[c] = chr(ord(base[-1]) + c - int(a, 16))
    return m


def widths(w):
    codes = set()
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            codes |= set(range(first, first + len(w[i + 1])))
            i += 2
        else:
            codes |= set(range(first, int(w[i + 1]) + 1))
            i += 3
    return codes


def shown(pdf):
    """(font object id, code) of every code shown on a page."""
    out = set()
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        font = None
        # only the operators that matter: the others are most of a page
        for operands, op in pikepdf.parse_content_stream(page, "Tf Tj TJ"):
            name = str(op)
            if name == "Tf":
                font = fonts[operands[0]].objgen
                continue
            strs = [operands[0]] if name == "Tj" else \
                [x for x in operands[0] if isinstance(x, pikepdf.String)]
            for s in strs:
                b = bytes(s)
                n = len(b) // 2
                out.update(zip([font] * n, struct.unpack_from(">%dH" % n, b)))
                if len(b) % 2:  # an odd byte is a (wrong) one-byte code
                    out.add((font, b[-1]))
    return out


def check_pdf(path, glyphs, names, errs):
    pdf = pikepdf.open(path)
    drawn, fonts, found = {}, 0, set()
    codes_of = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
            continue
        fonts += 1
        e = []
        base = str(obj.BaseFont)[1:]
        if not re.match(r"^[A-Z]{6}\+", base):
            e.append("no subset tag: %s" % base)
        found.add(base[7:])
        if obj.Encoding != "/Identity-H":
            e.append("encoding %s" % obj.Encoding)
        cid = obj.DescendantFonts[0]
        desc = cid.FontDescriptor
        tu = tounicode(obj.ToUnicode.read_bytes())
        w = widths(cid.W)
        if set(tu) != w:
            e.append("W and ToUnicode differ: %d codes in W, %d in ToUnicode" % (len(w), len(tu)))
        if cid.Subtype == "/CIDFontType2":
            if "/FontFile2" not in desc or cid.get("/CIDToGIDMap") != "/Identity":
                e.append("CIDFontType2 without FontFile2 or CIDToGIDMap /Identity")
            data = desc.FontFile2.read_bytes()
            if int(desc.FontFile2.get("/Length1", -1)) != len(data):
                e.append("Length1 is not the program's length %d" % len(data))
            prog = TrueType(data, e)
        elif cid.Subtype == "/CIDFontType0":
            if "/FontFile3" not in desc or desc.FontFile3.get("/Subtype") != "/CIDFontType0C":
                e.append("CIDFontType0 without FontFile3 /CIDFontType0C")
            prog = CFF(desc.FontFile3.read_bytes(), e)
        else:
            e.append("descendant %s" % cid.Subtype)
            continue
        for code, ch in sorted(tu.items()):
            why = prog.has(code, ord(ch[-1]))
            if why:
                e.append(why)
            else:
                drawn[ch] = True
        codes_of[obj.objgen] = set(tu)
        errs += ["%s: font %s: %s" % (path, base, x) for x in e]
    for font, code in sorted(shown(pdf)):
        if code not in codes_of.get(font, ()):
            errs.append("%s: code %04X shown without a ToUnicode entry" % (path, code))
    if not fonts:
        errs.append("%s: no Type0 font" % path)
    for c in glyphs:
        if c not in drawn:
            errs.append("%s: %s (U+%04X) not drawn" % (path, c, ord(c)))
    if names is not None and not found <= names:
        errs.append("%s: fonts %s, expected only %s" % (path, sorted(found - names), sorted(names)))
    return fonts


def main(argv):
    args, glyphs, names = argv[1:], "", None
    while len(args) > 1 and args[0] in ("--glyphs", "--fonts"):
        if args[0] == "--glyphs":
            glyphs = args[1]
        else:
            names = set(args[1].split(","))
        args = args[2:]
    errs, fonts = [], 0
    for path in args:
        try:
            fonts += check_pdf(path, glyphs, names, errs)
        except (ValueError, KeyError, IndexError, struct.error, AttributeError, TypeError,
                pikepdf.PdfError) as x:
            errs.append("%s: cannot read: %r" % (path, x))
    return problems(errs, "check_fonts: %d PDFs, %d fonts, %d problems" % (len(args), fonts, len(errs)), len(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
