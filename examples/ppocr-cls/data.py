#!/usr/bin/env python3
"""Renders the text-direction data set of the PaddleOCR classifier example.

    data.py --out DIR [--test-lines 300] [--calib-lines 100] [--seed 0]
            [--preview PNG]

Each text line (Latin words, numbers, dates, prices; a sixth of them Chinese;
seeded) is
drawn with PIL in one of the Debian fonts below, at a random size, in dark
ink on a light, slightly noisy background, and used twice: upright (label 0,
PaddleOCR's "0") and turned by 180 degrees (label 1, "180"). Each image is
preprocessed as PaddleOCR's text classifier does (tools/infer/predict_cls.py
resize_norm_img with cls_image_shape 3,48,192): resized bilinearly to height
48 keeping its aspect ratio, to width min(192, ceil(48 * w / h)); scaled to
(pixel / 255 - 0.5) / 0.5; channels in OpenCV's BGR order; zero-padded on
the right to width 192 after normalization. Output, NCHW float32:
  DIR/calib.npy   [2 * calib-lines, 3, 48, 192]  calibration images
  DIR/test_x.npy  [2 * test-lines, 3, 48, 192]   test images
  DIR/test_y.npy  [2 * test-lines] int64          labels (0: upright, 1: 180)
  DIR/test_text.txt                               the test lines, one a line
The calibration lines come from another seed than the test lines, and no
calibration line is also a test line.
"""

import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HEIGHT, WIDTH = 48, 192
CHINESE_SHARE = 1 / 6

FONT_DIR = "/usr/share/fonts/truetype"
# (file under FONT_DIR, Debian package, has CJK glyphs)
FONTS = [
    ("dejavu/DejaVuSans.ttf", "fonts-dejavu-core", False),
    ("dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core", False),
    ("dejavu/DejaVuSerif.ttf", "fonts-dejavu-core", False),
    ("dejavu/DejaVuSansMono.ttf", "fonts-dejavu-core", False),
    ("liberation2/LiberationSans-Regular.ttf", "fonts-liberation2", False),
    ("liberation2/LiberationSans-Bold.ttf", "fonts-liberation2", False),
    ("liberation2/LiberationSerif-Regular.ttf", "fonts-liberation2", False),
    ("liberation2/LiberationSerif-Italic.ttf", "fonts-liberation2", False),
    ("liberation2/LiberationMono-Regular.ttf", "fonts-liberation2", False),
    ("freefont/FreeSans.ttf", "fonts-freefont-ttf", False),
    ("freefont/FreeSerif.ttf", "fonts-freefont-ttf", False),
    ("freefont/FreeSerifBold.ttf", "fonts-freefont-ttf", False),
    ("freefont/FreeMono.ttf", "fonts-freefont-ttf", False),
    ("wqy/wqy-microhei.ttc", "fonts-wqy-microhei", True),
]

WORDS = """
the of and to in is was for on are with as by at from this that have not
but or which one all were when there can more an their if has will so no
out up about into than them only other new some time could these two may
first then do any like now over such our man me even most made after also
did many before must through back years where much your way well down
should because each just those people how too little state good very make
world still own see men work long get here between both life being under
never day same another know while last might us great old year off come
since against go came right used take three states himself few house use
during without again place around however home small found thought went
say part once general high upon school every last don't does got united
left number course war until always away something fact though water less
public put think almost hand enough far took head yet government system
better set told nothing night end why called didn't eyes find going look
asked later point knew city next program business give group toward young
days let room president side social given present several order national
possible rather second face per among form important often things looking
early white case john become large big need four within felt along children
saw best church ever least power development light thing seemed family
interest want members mind country area others done turned although open
print paper letter station river market garden window table orange yellow
invoice receipt total amount street avenue north south east west monday
friday morning evening coffee bread butter cheese salt pepper sugar quick
brown fox jumps lazy dog hello email address phone number page chapter
""".split()

CHINESE = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主"
    "发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力"
    "里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由"
    "其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么"
    "利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直"
    "题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山"
    "统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
    "队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什"
)


def load_fonts():
    fonts = []
    for name, package, cjk in FONTS:
        path = os.path.join(FONT_DIR, name)
        if not os.path.exists(path):
            sys.exit(f"data.py: font {path} is missing (install Debian's {package}: "
                     "scripts/install-deps.sh)")
        fonts.append((path, cjk))
    return fonts


def random_text(rng, chinese):
    """One line of text: 2 to 8 Chinese characters, or Latin words, numbers,
    dates or prices."""
    if chinese:
        n = int(rng.integers(2, 9))
        return "".join(CHINESE[i] for i in rng.integers(0, len(CHINESE), n))
    kind = rng.random()
    if kind < 0.12:
        return f"{rng.integers(1, 29):02d}.{rng.integers(1, 13):02d}.{rng.integers(1990, 2031)}"
    if kind < 0.22:
        return f"{rng.integers(1, 9999)}.{rng.integers(0, 100):02d} EUR"
    if kind < 0.30:
        return "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(4, 11))))
    words = [WORDS[i] for i in rng.integers(0, len(WORDS), int(rng.integers(1, 4)))]
    style = rng.random()
    if style < 0.2:
        words = [w.upper() for w in words]
    elif style < 0.5:
        words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words.append(str(int(rng.integers(0, 1000))))
    return " ".join(words)


def render(rng, text, font_path):
    """The text line as an RGB image: dark ink on a light background, with a
    margin of a few pixels and mild pixel noise."""
    size = int(rng.integers(18, 41))
    font = ImageFont.truetype(font_path, size)
    left, top, right, bottom = font.getbbox(text)
    pad_x, pad_y = int(rng.integers(2, 9)), int(rng.integers(2, 8))
    w, h = right - left + 2 * pad_x, bottom - top + 2 * pad_y
    paper = rng.integers(200, 256, 3)
    ink = rng.integers(0, 90, 3)
    image = Image.new("RGB", (w, h), tuple(int(c) for c in paper))
    ImageDraw.Draw(image).text((pad_x - left, pad_y - top), text, font=font,
                               fill=tuple(int(c) for c in ink))
    pixels = np.asarray(image).astype(np.float32)
    pixels += rng.normal(0, rng.uniform(0, 6), pixels.shape)
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def resize_bilinear(image, out_h, out_w):
    """Bilinear resize with half-pixel centres and edge clamping, as OpenCV's
    INTER_LINEAR (no antialiasing), in float."""
    in_h, in_w = image.shape[:2]

    def taps(out_n, in_n):
        src = (np.arange(out_n) + 0.5) * (in_n / out_n) - 0.5
        src = np.clip(src, 0, in_n - 1)
        lo = np.floor(src).astype(np.int64)
        hi = np.minimum(lo + 1, in_n - 1)
        return lo, hi, (src - lo).astype(np.float32)

    y0, y1, fy = taps(out_h, in_h)
    x0, x1, fx = taps(out_w, in_w)
    img = image.astype(np.float32)
    rows = img[y0] * (1 - fy)[:, None, None] + img[y1] * fy[:, None, None]
    return rows[:, x0] * (1 - fx)[None, :, None] + rows[:, x1] * fx[None, :, None]


def preprocess(rgb):
    """PaddleOCR's cls resize_norm_img on an RGB uint8 image: [3, 48, 192]."""
    h, w = rgb.shape[:2]
    resized_w = min(WIDTH, int(math.ceil(HEIGHT * w / h)))
    bgr = rgb[:, :, ::-1]
    resized = np.rint(resize_bilinear(bgr, HEIGHT, resized_w))  # OpenCV rounds to uint8
    chw = resized.transpose(2, 0, 1) / np.float32(255)
    chw = (chw - np.float32(0.5)) / np.float32(0.5)
    out = np.zeros((3, HEIGHT, WIDTH), dtype=np.float32)
    out[:, :, :resized_w] = chw
    return out


def make_set(seed, lines, fonts, exclude=()):
    """`lines` text lines, each upright then turned: (images, labels, texts)."""
    rng = np.random.default_rng(seed)
    images, labels, texts = [], [], []
    seen = set(exclude)
    while len(texts) < lines:
        # A sixth of the lines are Chinese, in the CJK fonts; the others
        # Latin, in any font.
        chinese = rng.random() < CHINESE_SHARE
        choices = [path for path, cjk in fonts if cjk or not chinese]
        font_path = choices[int(rng.integers(0, len(choices)))]
        text = random_text(rng, chinese)
        if text in seen:
            continue
        seen.add(text)
        rgb = render(rng, text, font_path)
        for label, image in ((0, rgb), (1, rgb[::-1, ::-1])):
            images.append(preprocess(image))
            labels.append(label)
        texts.append(text)
    return np.stack(images), np.array(labels, dtype=np.int64), texts


def write_preview(path, images, count=16):
    """A sheet of the first `count` preprocessed images, for a human to look at."""
    tiles = [((img.transpose(1, 2, 0)[:, :, ::-1] * 0.5 + 0.5) * 255) for img in images[:count]]
    sheet = np.concatenate(tiles, axis=0).clip(0, 255).astype(np.uint8)
    Image.fromarray(sheet).save(path)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write the .npy files into")
    parser.add_argument("--test-lines", type=int, default=300)
    parser.add_argument("--calib-lines", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the test set; the calibration set uses seed + 1")
    parser.add_argument("--preview", help="also write a PNG of the first test images")
    args = parser.parse_args()
    if args.test_lines < 1 or args.calib_lines < 1:
        parser.error("--test-lines and --calib-lines must be positive")

    fonts = load_fonts()
    os.makedirs(args.out, exist_ok=True)
    test_x, test_y, test_text = make_set(args.seed, args.test_lines, fonts)
    calib, _, _ = make_set(args.seed + 1, args.calib_lines, fonts, exclude=test_text)
    np.save(os.path.join(args.out, "test_x.npy"), test_x)
    np.save(os.path.join(args.out, "test_y.npy"), test_y)
    np.save(os.path.join(args.out, "calib.npy"), calib)
    with open(os.path.join(args.out, "test_text.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(test_text) + "\n")
    if args.preview:
        write_preview(args.preview, test_x)
    print(f"text lines: {len(test_text)} test ({len(test_y)} images), "
          f"{args.calib_lines} calibration ({len(calib)} images), {len(fonts)} fonts")


if __name__ == "__main__":
    main()
