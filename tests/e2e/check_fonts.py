#!/usr/bin/env python3
"""check_fonts.py [--glyphs TEXT] PDF...

Checks the TrueType programs (FontFile2) of every CIDFontType2 font in each
PDF as the renderer trims them (pipeline/font_trim.c): a valid sfnt (table
directory and its search fields, tables sorted and 4-byte aligned, every
checksum and head.checkSumAdjustment, Length1), no cmap, post format 3,
name records 0-6 only, numGlyphs cut to the last glyph kept with loca and
hmtx to match, and every glyph CIDToGIDMap names inside the font, with the
components of each composite present (outline data) and inside the cut.
--glyphs TEXT: each character of TEXT is drawn from a glyph with an outline
in some font of each PDF (CID = the character's UTF-16 code, Identity-H).
Prints one line per problem and a summary; exit status 1 on any problem."""
import re
import struct
import sys
import zlib


def objects(pdf):
    """Object number -> offset, from the cross-reference table."""
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    m = re.compile(rb"xref\s+0 (\d+)\s+").match(pdf, start)
    offs, p = {}, m.end()
    for i in range(int(m.group(1))):
        line = pdf[p + 20 * i: p + 20 * i + 20]
        if line[17:18] == b"n":
            offs[i] = int(line[:10])
    return offs


def read_obj(pdf, offs, num):
    """(dictionary or value text, decoded stream data or None)."""
    m = re.compile(rb"\d+ 0 obj\s*").match(pdf, offs[num])
    end, s = pdf.find(b"endobj", m.end()), pdf.find(b"stream", m.end())
    if s == -1 or s > end:
        return pdf[m.end():end], None
    text = pdf[m.end():s]
    ln = re.search(rb"/Length (\d+)( 0 R)?", text)
    n = int(ln.group(1)) if not ln.group(2) else int(read_obj(pdf, offs, int(ln.group(1)))[0])
    d = s + 6 + (2 if pdf[s + 6: s + 8] == b"\r\n" else 1)
    data = pdf[d: d + n]
    if b"/FlateDecode" in text:
        data = zlib.decompress(data)
    return text, data


def ref(text, key):
    m = re.search(rb"/" + key + rb" (\d+) 0 R", text)
    return int(m.group(1)) if m else None


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


class Font:
    """The parts of an sfnt the checks need; problems go to errs."""

    def __init__(self, data, errs):
        self.t, e = {}, errs
        ver, nt, sr, sel, rs = struct.unpack(">IHHHH", data[:12])
        k = nt.bit_length() - 1
        if (sr, sel, rs) != (16 << k, k, 16 * nt - (16 << k)):
            e.append("table directory search fields %d %d %d for %d tables" % (sr, sel, rs, nt))
        tags = []
        for i in range(nt):
            tag, cs, off, ln = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
            body = data[off: off + ln]
            tags.append(tag)
            if off % 4:
                e.append("table %s at offset %d, not 4-byte aligned" % (tag, off))
            if tag == b"head":
                body = body[:8] + b"\0\0\0\0" + body[12:]
            if checksum(body) != cs:
                e.append("table %s: checksum %08X, stored %08X" % (tag, checksum(body), cs))
            self.t[tag] = data[off: off + ln]
        if tags != sorted(tags):
            e.append("tables not sorted: %s" % tags)
        if checksum(data) != 0xB1B0AFBA:
            e.append("head.checkSumAdjustment wrong")
        if b"cmap" in self.t:
            e.append("cmap kept")
        post = self.t.get(b"post", b"")
        if len(post) != 32 or post[:4] != b"\0\3\0\0":
            e.append("post is not a 32-byte format 3 table (%d bytes)" % len(post))
        name = self.t.get(b"name", b"\0" * 6)
        ids = {struct.unpack(">H", name[6 + 12 * i + 6: 6 + 12 * i + 8])[0]
               for i in range(struct.unpack(">H", name[2:4])[0])}
        if ids - set(range(7)):
            e.append("name records beyond 6: %s" % sorted(ids - set(range(7))))
        self.ng = struct.unpack(">H", self.t[b"maxp"][4:6])[0]
        nhm = struct.unpack(">H", self.t[b"hhea"][34:36])[0]
        long_loca = struct.unpack(">h", self.t[b"head"][50:52])[0] == 1
        w = 4 if long_loca else 2
        loca = self.t[b"loca"]
        if len(loca) != (self.ng + 1) * w:
            e.append("loca holds %d entries for %d glyphs" % (len(loca) // w, self.ng))
        if nhm > self.ng or len(self.t[b"hmtx"]) != 4 * nhm + 2 * (self.ng - nhm):
            e.append("hmtx of %d bytes for %d glyphs, %d long metrics" % (len(self.t[b"hmtx"]), self.ng, nhm))
        fmt = ">%d%s" % (len(loca) // w, "I" if long_loca else "H")
        self.loca = [x * (1 if long_loca else 2) for x in struct.unpack(fmt, loca)]

    def glyph(self, g):
        if g + 1 >= len(self.loca):
            return b""
        return self.t[b"glyf"][self.loca[g]: self.loca[g + 1]]


def check_pdf(path, glyphs, errs):
    pdf = open(path, "rb").read()
    offs = objects(pdf)
    fonts, drawn = 0, set()
    for num in offs:
        text, _ = read_obj(pdf, offs, num)
        if b"/CIDFontType2" not in text:
            continue
        fonts += 1
        e = []
        desc, _ = read_obj(pdf, offs, ref(text, b"FontDescriptor"))
        ff_text, data = read_obj(pdf, offs, ref(desc, b"FontFile2"))
        _, cmap = read_obj(pdf, offs, ref(text, b"CIDToGIDMap"))
        m = re.search(rb"/Length1 (\d+)", ff_text)
        if not m or int(m.group(1)) != len(data):
            e.append("Length1 is not the program's length %d" % len(data))
        f = Font(data, e)
        gids = struct.unpack(">%dH" % (len(cmap) // 2), cmap)
        kept, todo = {0}, {0} | set(gids)
        while todo:
            g = todo.pop()
            if g >= f.ng:
                e.append("glyph %d beyond numGlyphs %d" % (g, f.ng))
                continue
            kept.add(g)
            for c in components(f.glyph(g)):
                if not f.glyph(c):
                    e.append("component %d of glyph %d has no outline" % (c, g))
                if c not in kept:
                    todo.add(c)
        kept |= {g for g in range(f.ng) if f.glyph(g)}
        if max(kept) != f.ng - 1:
            e.append("numGlyphs %d, but the last glyph kept is %d" % (f.ng, max(kept)))
        drawn |= {chr(cid) for cid, g in enumerate(gids) if g and f.glyph(g)}
        errs += ["%s: font %d: %s" % (path, num, x) for x in e]
    if not fonts:
        errs.append("%s: no CIDFontType2 font" % path)
    for c in glyphs:
        if c not in drawn:
            errs.append("%s: %s (U+%04X) not drawn from an outline" % (path, c, ord(c)))
    return fonts


def main(argv):
    args, glyphs = argv[1:], ""
    if len(args) > 1 and args[0] == "--glyphs":
        glyphs, args = args[1], args[2:]
    errs, fonts = [], 0
    for path in args:
        try:
            fonts += check_pdf(path, glyphs, errs)
        except (ValueError, KeyError, struct.error, zlib.error, AttributeError, TypeError) as x:
            errs.append("%s: cannot read: %r" % (path, x))
    for x in errs:
        print(x)
    print("check_fonts: %d PDFs, %d fonts, %d problems" % (len(args), fonts, len(errs)))
    return 1 if errs or not args else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
