"""Reference values for Glimpse's BLEU and CIDEr-D (packages/train/src/metrics/).

    /usr/bin/python3 tools/oracle/caption_metrics.py

pycocoevalcap is not installable here (no pip, and its tokenizer needs Java), so this is an
independent re-statement of the published definitions as pycocoevalcap's scorers apply them:
bleu/bleu_scorer.py (Bleu(4), option "closest", tiny = 1e-15 and small = 1e-9 guards) and
cider/cider_scorer.py (CIDEr-D: tf-idf n-grams 1..4 with idf log(N) - log(max(1, df)), df from
the evaluated references, clipped cosine, Gaussian length penalty sigma 6 on the bigram count,
mean over n, / number of references, x 10). Captions here are already tokenised (the scorers'
own input: lower-case words joined by spaces), so the fixture tests the scoring, not the
tokenizer. Writes fixtures/train/caption-metrics.json, replayed by
packages/train/src/metrics/caption.test.ts (relative 1e-12).
"""
import json
import math
import os
import random
from collections import Counter

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "fixtures", "train", "caption-metrics.json")


def ngrams(words, n):
    """Counter of every k-gram, 1 <= k <= n, as tuples."""
    c = Counter()
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            c[tuple(words[i:i + k])] += 1
    return c


def bleu(refs_per_image, cands, n=4):
    tiny, small = 1e-15, 1e-9

    def score(correct, guess, c, r):
        out, p = [], 1.0
        for k in range(n):
            p *= (correct[k] + tiny) / (guess[k] + small)
            out.append(p ** (1.0 / (k + 1)))
        ratio = (c + tiny) / (r + small)
        if ratio < 1:
            out = [b * math.exp(1 - 1 / ratio) for b in out]
        return out

    tot_c = tot_r = 0
    tot_correct, tot_guess = [0] * n, [0] * n
    per = []
    for refs, cand in zip(refs_per_image, cands):
        words = cand.split()
        c = len(words)
        maxref = {}
        lens = []
        for ref in refs:
            rw = ref.split()
            lens.append(len(rw))
            for g, cnt in ngrams(rw, n).items():
                maxref[g] = max(maxref.get(g, 0), cnt)
        r = min((abs(l - c), l) for l in lens)[1]
        guess = [max(0, c - k) for k in range(n)]
        correct = [0] * n
        for g, cnt in ngrams(words, n).items():
            correct[len(g) - 1] += min(maxref.get(g, 0), cnt)
        per.append(score(correct, guess, c, r))
        tot_c += c
        tot_r += r
        for k in range(n):
            tot_correct[k] += correct[k]
            tot_guess[k] += guess[k]
    return score(tot_correct, tot_guess, tot_c, tot_r), per


def cider_d(refs_per_image, cands, n=4, sigma=6.0):
    ref_counts = [[ngrams(r.split(), n) for r in refs] for refs in refs_per_image]
    df = Counter()
    for refs in ref_counts:
        for g in set(g for rc in refs for g in rc):
            df[g] += 1
    log_n = math.log(float(len(ref_counts)))

    def vec(counts):
        v = [dict() for _ in range(n)]
        norm = [0.0] * n
        length = 0
        for g, tf in counts.items():
            k = len(g) - 1
            w = float(tf) * (log_n - math.log(max(1.0, df[g])))
            v[k][g] = w
            norm[k] += w * w
            if k == 1:  # cider_scorer.py counts bigrams as the "length"
                length += tf
        return v, [math.sqrt(x) for x in norm], length

    def sim(a, b):
        (va, na, la), (vb, nb, lb) = a, b
        delta = float(la - lb)
        out = [0.0] * n
        for k in range(n):
            for g, w in va[k].items():
                out[k] += min(w, vb[k].get(g, 0.0)) * vb[k].get(g, 0.0)
            if na[k] != 0 and nb[k] != 0:
                out[k] /= na[k] * nb[k]
            out[k] *= math.e ** (-(delta ** 2) / (2 * sigma ** 2))
        return out

    per = []
    for cand, refs in zip(cands, ref_counts):
        cv = vec(ngrams(cand.split(), n))
        total = [0.0] * n
        for rc in refs:
            s = sim(cv, vec(rc))
            total = [t + x for t, x in zip(total, s)]
        per.append(sum(total) / n / len(refs) * 10.0)
    return sum(per) / len(per), per


HAND = [
    # name, refs per image, candidates
    ("identical_one_image", [["a dog runs on the grass"]], ["a dog runs on the grass"]),
    ("cat_mat", [["the cat is on the mat"]], ["the cat sat on the mat"]),
    ("short_candidate_brevity", [["a man riding a wave on top of a surfboard", "a surfer rides a big wave"]], ["a surfer"]),
    ("clipping", [["the cat", "a cat on a mat"]], ["the the the the the the the"]),
    ("closest_tie_shorter", [["a b c d", "a b c d e f"]], ["a b c x y"]),
    ("empty_candidate", [["a red ball"], ["two dogs play"]], ["", "two dogs play"]),
    ("two_images_exact", [["a b"], ["c d"]], ["a b", "c d"]),
    ("single_word", [["dog"], ["a black cat"], ["a cat"]], ["dog", "a cat", "a black cat"]),
    ("coco_like", [
        ["a man riding a wave on top of a surfboard", "a surfer rides a large wave in the ocean",
         "a person on a surf board riding a wave", "surfer riding a big wave on a sunny day", "a man surfing on a wave"],
        ["a plate of food with broccoli and meat", "a dish of beef and broccoli on a white plate",
         "broccoli and beef served on a plate", "a white plate topped with meat and vegetables", "food on a plate"],
        ["two giraffes standing next to each other in a field", "a couple of giraffes in a grassy field",
         "giraffes standing near trees on a sunny day", "two tall giraffes in the wild", "a pair of giraffes by some trees"],
    ], ["a man riding a wave on a surfboard", "a plate of broccoli and meat", "a giraffe standing in a field"]),
]


def random_cases(seed=0, images=40):
    """Captions over a small vocabulary, so n-grams repeat across images (real idf weights)."""
    rng = random.Random(seed)
    vocab = "a the red blue green dog cat man woman ball on in of with next to sitting standing plate two".split()
    refs, cands = [], []
    for _ in range(images):
        k = rng.randint(1, 5)
        refs.append([" ".join(rng.choice(vocab) for _ in range(rng.randint(3, 12))) for _ in range(k)])
        base = rng.choice(refs[-1]).split()
        cand = [w if rng.random() < 0.6 else rng.choice(vocab) for w in base][: rng.randint(1, len(base) + 2)]
        cands.append(" ".join(cand))
    return refs, cands


def main():
    cases = []
    for name, refs, cands in HAND + [("random_40",) + random_cases()]:
        b, bper = bleu(refs, cands)
        c, cper = cider_d(refs, cands)
        cases.append({"name": name, "references": refs, "candidates": cands,
                      "bleu": b, "bleuPerImage": bper, "cider": c, "ciderPerImage": cper})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "tools/oracle/caption_metrics.py", "cases": cases}, f, indent=1)
        f.write("\n")
    for case in cases:
        print(f"{case['name']:28s} BLEU {['%.4f' % x for x in case['bleu']]} CIDEr-D {case['cider']:.4f}")


if __name__ == "__main__":
    main()
