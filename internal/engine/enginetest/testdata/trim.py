#!/usr/bin/env python3
"""Reproduces the trimmed NIST CAVP / RFC vector files of this directory.

Usage: trim.py SRC DST
  SRC: the cryptography_vectors directory of Debian's
       python3-cryptography-vectors 38.0.4-1 package
       (/usr/lib/python3/dist-packages/cryptography_vectors)
  DST: this testdata directory

Files are copied byte for byte, or trimmed by dropping whole test cases
(header comments and [section] lines are kept). No value is changed.
"""
import os
import re
import shutil
import sys

SRC, DST = sys.argv[1], sys.argv[2]


def copy(src, dst):
    os.makedirs(os.path.dirname(os.path.join(DST, dst)), exist_ok=True)
    shutil.copyfile(os.path.join(SRC, src), os.path.join(DST, dst))


def blocks(text):
    """Splits a CAVP file into items: ('hdr', line) for comment/section
    lines and blank lines before the first case, ('case', lines) for a case
    (a run of non-blank, non-section lines)."""
    items, cur = [], []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith('[') or s.startswith('#'):
            if cur:
                items.append(('case', cur))
                cur = []
            items.append(('hdr', line))
        elif s == '':
            if cur:
                items.append(('case', cur))
                cur = []
        else:
            cur.append(line)
    if cur:
        items.append(('case', cur))
    return items


def trim(src, dst, keep):
    """keep(section_lines, index_in_section, case_lines) -> bool."""
    with open(os.path.join(SRC, src)) as f:
        items = blocks(f.read())
    out, section, idx = [], [], 0
    last_hdr = False
    for kind, v in items:
        if kind == 'hdr':
            if v.strip().startswith('['):
                if not last_hdr:
                    section = []
                    if out and out[-1].strip() != '':
                        out.append('')
                section.append(v.strip())
                idx = 0
            out.append(v)
            last_hdr = True
            continue
        last_hdr = False
        if keep(section, idx, v):
            out.append('')
            out.extend(v)
        idx += 1
    os.makedirs(os.path.dirname(os.path.join(DST, dst)), exist_ok=True)
    with open(os.path.join(DST, dst), 'w') as f:
        f.write('\n'.join(out) + '\n')


V = 'ciphers/AES/'
for mode in ('ECB', 'CBC'):
    for kind in ('GFSbox', 'KeySbox', 'MMT'):
        for k in (128, 192, 256):
            copy(f'{V}{mode}/{mode}{kind}{k}.rsp', f'cavp/aes/{mode}{kind}{k}.rsp')
    for kind in ('VarKey', 'VarTxt'):
        for k in (128, 192, 256):
            # every 8th case of each direction (bit positions 1, 9, 17, ...)
            trim(f'{V}{mode}/{mode}{kind}{k}.rsp', f'cavp/aes/{mode}{kind}{k}.rsp',
                 lambda s, i, c: i % 8 == 0)
for k in (128, 192, 256):
    copy(f'{V}CTR/aes-{k}-ctr.txt', f'rfc3686/aes-{k}-ctr.txt')


def gcm_keep_enc(s, i, c):
    return '[IVlen = 96]' in s and i == 0


def gcm_keep_dec():
    state = {}

    def keep(s, i, c):
        if '[IVlen = 96]' not in s:
            return False
        key = tuple(s)
        fail = any(l.strip() == 'FAIL' for l in c)
        seen = state.setdefault(key, [0, False])
        ok = i < 2 or (fail and not seen[1])
        if ok and fail:
            seen[1] = True
        return ok
    return keep


for k in (128, 192, 256):
    trim(f'{V}GCM/gcmEncryptExtIV{k}.rsp', f'cavp/gcm/gcmEncryptExtIV{k}.rsp', gcm_keep_enc)
    trim(f'{V}GCM/gcmDecrypt{k}.rsp', f'cavp/gcm/gcmDecrypt{k}.rsp', gcm_keep_dec())

for mode, pre in (('ECB', 'TECB'), ('CBC', 'TCBC')):
    for kind in ('MMT1', 'MMT2', 'MMT3', 'invperm', 'permop', 'subtab', 'varkey', 'vartext'):
        copy(f'ciphers/3DES/{mode}/{pre}{kind}.rsp', f'cavp/tdes/{pre}{kind}.rsp')

H = 'hashes/'
for name in ('SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'):
    d = 'SHA1' if name == 'SHA1' else 'SHA2'
    copy(f'{H}{d}/{name}ShortMsg.rsp', f'cavp/sha/{name}ShortMsg.rsp')
    trim(f'{H}{d}/{name}LongMsg.rsp', f'cavp/sha/{name}LongMsg.rsp', lambda s, i, c: i < 8)
for n in (224, 256, 384, 512):
    copy(f'{H}SHA3/SHA3_{n}ShortMsg.rsp', f'cavp/sha3/SHA3_{n}ShortMsg.rsp')
    trim(f'{H}SHA3/SHA3_{n}LongMsg.rsp', f'cavp/sha3/SHA3_{n}LongMsg.rsp', lambda s, i, c: i < 8)
for n in (128, 256):
    trim(f'{H}SHAKE/SHAKE{n}ShortMsg.rsp', f'cavp/shake/SHAKE{n}ShortMsg.rsp', lambda s, i, c: i % 4 == 0)
    trim(f'{H}SHAKE/SHAKE{n}VariableOut.rsp', f'cavp/shake/SHAKE{n}VariableOut.rsp',
         lambda s, i, c: i < 16 or i % 16 == 0)
copy(f'{H}MD5/rfc-1321.txt', 'rfc1321/md5.txt')

for f in ('aes128', 'aes192', 'aes256', '3des'):
    copy(f'CMAC/nist-800-38b-{f}.txt', f'sp800-38b/cmac-{f}.txt')
for f in ('rfc-2202-md5', 'rfc-2202-sha1', 'rfc-4231-sha224', 'rfc-4231-sha256',
          'rfc-4231-sha384', 'rfc-4231-sha512'):
    copy(f'HMAC/{f}.txt', f'hmac/{f}.txt')
for k in (40, 56, 64, 80, 128, 192, 256):
    copy(f'ciphers/ARC4/rfc-6229-{k}.txt', f'rfc6229/rfc-6229-{k}.txt')


def per_key(limits):
    """Keeps key blocks (no Msg line) and, per [section] and SHAAlg, the
    first limits['P'] passing and limits['F'] failing cases (SigVer) or the
    first limits['*'] cases (SigGen)."""
    seen = {}

    def keep(s, i, c):
        if not any(l.startswith('Msg') for l in c):
            return True
        sha = next((l for l in c if l.startswith('SHAAlg')), '')
        res = next((l.split('=')[1].strip()[:1] for l in c if l.startswith('Result')), '*')
        k = (tuple(s), sha, res)
        seen[k] = seen.get(k, 0) + 1
        return seen[k] <= limits[res]
    return keep


R = 'asymmetric/RSA/FIPS_186-2/'
# SigGen15 with the private exponent d (FIPS 186-2 example file): 2 cases
# per modulus and hash.
trim(f'{R}SigGen15_186-2.txt', 'cavp/rsa/SigGen15_186-2.txt', per_key({'*': 2}))
# SigVer15 (FIPS 186-3): per modulus and hash, the first passing case and
# the first two failing ones.
trim(f'{R}SigVer15_186-3.rsp', 'cavp/rsa/SigVer15_186-3.rsp', per_key({'P': 1, 'F': 2}))


def ecdsa_keep():
    seen = {}

    def keep(s, i, c):
        if not s or not s[0].startswith(('[P-224', '[P-256', '[P-384', '[P-521')):
            return False
        res = next((l.split('=')[1].strip()[:1] for l in c if l.startswith('Result')), '*')
        k = (tuple(s), res)
        seen[k] = seen.get(k, 0) + 1
        return seen[k] <= 3
    return keep


# ECDSA SigVer (FIPS 186-3): the P-224..P-521 sections, the first three
# passing and three failing cases of each curve and hash.
trim('asymmetric/ECDSA/FIPS_186-3/SigVer.rsp', 'cavp/ecdsa/SigVer.rsp', ecdsa_keep())
