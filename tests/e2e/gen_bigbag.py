"""Writes a valid bag zipped in its folder whose one payload file is MB
megabytes of zeros (it deflates to about a thousandth: verify needs
--max-ratio 2000), to check that verify streams a member and its memory
does not grow with the member's size.
usage: gen_bigbag.py ZIP MB"""
import hashlib, sys, zipfile

path, mb = sys.argv[1], int(sys.argv[2])
n = mb << 20
h256, h512 = hashlib.sha256(), hashlib.sha512()
chunk = b"\0" * (1 << 20)
for _ in range(mb):
    h256.update(chunk)
    h512.update(chunk)
tags = {
    "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    "bag-info.txt": b"Payload-Oxum: %d.1\n" % n,
    "manifest-sha256.txt": ("%s  data/zeros.bin\n" % h256.hexdigest()).encode(),
    "manifest-sha512.txt": ("%s  data/zeros.bin\n" % h512.hexdigest()).encode(),
}
tags["tagmanifest-sha256.txt"] = "".join(
    "%s  %s\n" % (hashlib.sha256(v).hexdigest(), k) for k, v in tags.items()).encode()
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for k, v in tags.items():
        z.writestr("bag/" + k, v)
    zi = zipfile.ZipInfo("bag/data/zeros.bin", (2024, 3, 31, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w") as f:
        for _ in range(mb):
            f.write(chunk)
