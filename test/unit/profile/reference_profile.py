"""
An independent profile of a CSV for test/unit/profile: Python's standard library only (csv, re,
unicodedata, datetime), sharing no code with the TypeScript engine. Token counts come from a
WordPiece written here from the BERT recipe (basic tokenizer + greedy longest-match) over the model's
vocab.txt, not from the model's tokenizer.json.

usage: reference_profile.py CSV TEXT_COLUMN LABEL_COLUMN|- DATE_COLUMN|- STOPWORDS_FILE VOCAB_FILE MAX_LENGTH
prints one JSON object.
"""
import csv
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timezone

csv.field_size_limit(1 << 30)
path, text_col, label_col, date_col, stop_file, vocab_file, max_length = sys.argv[1:8]
label_col = None if label_col == '-' else label_col
date_col = None if date_col == '-' else date_col
max_length = int(max_length)
stop = set(open(stop_file, encoding='utf-8').read().split())
vocab = {line.rstrip('\n') for line in open(vocab_file, encoding='utf-8')}

with open(path, encoding='utf-8-sig', newline='') as f:
    rows = [r for r in csv.reader(f) if r != []]
header = [h.strip() for h in rows[0]]
data = rows[1:]
ti = header.index(text_col)
li = header.index(label_col) if label_col else None
di = header.index(date_col) if date_col else None

texts, labels, dates, empty = [], [], [], 0
for r in data:
    t = r[ti].strip()
    if not t:
        empty += 1
        continue
    texts.append(t)
    if li is not None:
        labels.append(r[li].strip() or None)
    if di is not None:
        dates.append(r[di])


def rank(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p * len(s)) - 1))]


def summary(values):
    return {'min': min(values), 'p25': rank(values, .25), 'median': rank(values, .5), 'mean': sum(values) / len(values),
            'p75': rank(values, .75), 'p90': rank(values, .9), 'p99': rank(values, .99), 'max': max(values)}


def dup(keys):
    c = Counter(keys)
    return {'distinct': len(c), 'groups': sum(1 for v in c.values() if v > 1), 'rows': len(keys) - len(c)}


def fold(t):
    return re.sub(r'[\W_]+', ' ', t.lower()).strip()


# --- BERT uncased WordPiece
def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (ch not in '\t\n\r' and unicodedata.category(ch).startswith('C')):
            continue
        if ch in ' \t\n\r' or unicodedata.category(ch) == 'Zs':
            out.append(' ')
        elif is_cjk(cp):
            out.append(' ' + ch + ' ')
        else:
            out.append(ch)
    text = unicodedata.normalize('NFD', ''.join(out))
    text = ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn').lower()
    words = []
    for w in text.split():
        cur = ''
        for ch in w:
            if is_punct(ch):
                if cur:
                    words.append(cur)
                words.append(ch)
                cur = ''
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


def wordpiece(word):
    if len(word) > 100:
        return 1
    pieces, start = 0, 0
    while start < len(word):
        end = len(word)
        while end > start:
            sub = word[start:end] if start == 0 else '##' + word[start:end]
            if sub in vocab:
                break
            end -= 1
        if end == start:
            return 1  # the whole word is [UNK]
        pieces += 1
        start = end
    return pieces


def n_tokens(text):
    return 2 + sum(wordpiece(w) for w in basic(text[:20000]))


def terms(text):
    words = [w for w in re.findall(r'\b\w\w+\b', text.lower(), re.ASCII) if w not in stop]
    return words, [a + ' ' + b for a, b in zip(words, words[1:])]


def top(counter, n):
    return [{'term': t, 'count': c} for t, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


words_all, bigrams_all = Counter(), Counter()
per_label = defaultdict(lambda: (Counter(), Counter()))
for i, t in enumerate(texts):
    w, b = terms(t)
    words_all.update(w)
    bigrams_all.update(b)
    if labels and labels[i] is not None:
        per_label[labels[i]][0].update(w)
        per_label[labels[i]][1].update(b)

placeholders = defaultdict(lambda: [0, 0])
placeholder_rows = 0
for t in texts:
    names = [m.strip() for m in re.findall(r'\{\{([^{}]*)\}\}', t)]
    for n in names:
        placeholders[n][0] += 1
    for n in set(names):
        placeholders[n][1] += 1
    placeholder_rows += bool(names)

tokens = [n_tokens(t) for t in texts]
out = {
    'rows': len(data), 'empty': empty, 'texts': len(texts),
    'exact': dup(texts), 'folded': dup([fold(t) for t in texts]),
    'chars': summary([len(t) for t in texts]),
    'tokens': summary(tokens), 'truncated': sum(1 for n in tokens if n > max_length),
    'tokenList': tokens,
    'charList': [len(t) for t in texts],
    'words': top(words_all, 20), 'bigrams': top(bigrams_all, 20),
    'perLabel': {l: {'words': top(w, 10), 'bigrams': top(b, 10)} for l, (w, b) in per_label.items()},
    'placeholders': {'rows': placeholder_rows, 'names': {n: {'count': c, 'rows': r} for n, (c, r) in placeholders.items()}},
}
if labels:
    c = Counter(l for l in labels if l is not None)
    total = sum(c.values())
    h = -sum(v / total * math.log2(v / total) for v in c.values())
    out['labels'] = {'classes': len(c), 'missing': sum(1 for l in labels if l is None), 'counts': dict(c),
                     'imbalance': max(c.values()) / min(c.values()), 'entropy': h,
                     'normalized': h / math.log2(len(c)) if len(c) > 1 else 1}
if date_col:
    parsed, bad = [], 0
    for d in dates:
        d = d.strip()
        if not d:
            continue
        try:
            v = datetime.fromisoformat(d.replace('Z', '+00:00'))
        except ValueError:
            bad += 1
            continue
        if v.tzinfo is None:
            v = v.replace(tzinfo=timezone.utc)
        parsed.append(v.astimezone(timezone.utc))
    months = Counter(v.strftime('%Y-%m') for v in parsed)
    out['dates'] = {'dated': len(parsed), 'empty': sum(1 for d in dates if not d.strip()), 'unparseable': bad,
                    'min': min(parsed).strftime('%Y-%m-%dT%H:%M:%S') if parsed else None,
                    'max': max(parsed).strftime('%Y-%m-%dT%H:%M:%S') if parsed else None, 'months': dict(months)}
print(json.dumps(out))
