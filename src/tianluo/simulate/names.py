"""Chinese names: frequency-weighted surnames, given names by sex, homophone variants.

Surname weights are the shares (per cent) of the 2020 household-register ranking
(王 7.1, 李 7.0, 张 6.7, 刘 5.4, 陈 4.6, ...); Guangxi-born people draw from a
table with the region's own common surnames (黄, 韦, 覃, 陆, 蒙, 莫, 梁) boosted.
``homophone_variant`` swaps a character for one read the same way in pinyin
(张/章, 丽/莉), the way a name is mistyped by a clerk typing by sound;
``written_variant`` falls back on the traditional form of a character (陈/陳,
伟/偉), as names read from old documents or typed in Hong Kong or Taiwan input
methods come: entity resolution has to match those.
"""

from __future__ import annotations

import numpy as np

SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.6),
    ("杨", 3.1),
    ("黄", 2.5),
    ("赵", 2.1),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 1.6),
    ("孙", 1.5),
    ("马", 1.4),
    ("朱", 1.3),
    ("胡", 1.3),
    ("郭", 1.2),
    ("何", 1.2),
    ("林", 1.1),
    ("罗", 1.0),
    ("高", 1.0),
    ("郑", 0.9),
    ("梁", 0.9),
    ("谢", 0.8),
    ("宋", 0.7),
    ("唐", 0.7),
    ("许", 0.7),
    ("韩", 0.7),
    ("邓", 0.6),
    ("冯", 0.6),
    ("曹", 0.6),
    ("彭", 0.6),
    ("曾", 0.6),
    ("肖", 0.6),
    ("田", 0.5),
    ("董", 0.5),
    ("潘", 0.5),
    ("袁", 0.5),
    ("蔡", 0.5),
    ("蒋", 0.5),
    ("余", 0.5),
    ("于", 0.5),
    ("杜", 0.5),
    ("叶", 0.5),
    ("程", 0.4),
    ("魏", 0.4),
    ("苏", 0.4),
    ("吕", 0.4),
    ("丁", 0.4),
    ("任", 0.4),
    ("卢", 0.4),
    ("姚", 0.4),
    ("沈", 0.4),
    ("钟", 0.4),
    ("姜", 0.4),
    ("崔", 0.4),
    ("谭", 0.4),
    ("陆", 0.4),
    ("范", 0.3),
    ("汪", 0.3),
    ("廖", 0.3),
    ("石", 0.3),
    ("金", 0.3),
    ("韦", 0.3),
    ("贾", 0.3),
    ("夏", 0.3),
    ("付", 0.3),
    ("方", 0.3),
    ("邹", 0.3),
    ("熊", 0.3),
    ("白", 0.3),
    ("孟", 0.3),
    ("秦", 0.3),
    ("邱", 0.3),
    ("侯", 0.3),
    ("江", 0.3),
    ("尹", 0.2),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("龙", 0.2),
    ("黎", 0.2),
    ("史", 0.2),
    ("陶", 0.2),
    ("贺", 0.2),
    ("毛", 0.2),
    ("郝", 0.2),
    ("顾", 0.2),
    ("龚", 0.2),
    ("邵", 0.2),
    ("覃", 0.1),
    ("蒙", 0.1),
    ("莫", 0.1),
    ("农", 0.05),
    ("蓝", 0.1),
    ("欧阳", 0.05),
    ("司马", 0.01),
)
GUANGXI_BOOST = {
    "黄": 4.0,
    "韦": 12.0,
    "覃": 15.0,
    "陆": 4.0,
    "蒙": 12.0,
    "莫": 10.0,
    "梁": 3.0,
    "农": 20.0,
    "蓝": 6.0,
    "廖": 3.0,
    "潘": 2.0,
    "李": 1.0,
}

MALE_CHARS = "伟强军勇杰涛明超磊鹏辉斌波峰建国华平文海东志刚宇浩俊晨阳龙飞林松健亮凯宏彬锋毅坤永德"
FEMALE_CHARS = "芳娜静敏丽艳娟霞秀英玲燕红梅琳洁婷雪慧倩莉萍颖晶欣怡佳悦蓉琴兰月云凤萍瑶琪璐"
NEUTRAL_CHARS = "春晓思嘉子一新安小永金玉天家雨书"

HOMOPHONES: tuple[str, ...] = (
    "张章",
    "王汪",
    "刘柳",
    "杨阳",
    "徐许",
    "吴伍",
    "韦魏",
    "陆路",
    "何贺",
    "肖萧",
    "付傅",
    "江姜",
    "于余",
    "蓝兰",
    "史石",
    "黎李",
    "程成",
    "林琳",
    "伟玮炜",
    "丽莉俐",
    "娜纳",
    "静晶婧",
    "敏闵",
    "军君均",
    "华桦",
    "平萍",
    "红虹宏",
    "明铭",
    "杰洁",
    "芳方",
    "建健剑",
    "文雯",
    "斌彬",
    "勇永",
    "涛韬",
    "辉晖",
    "峰锋丰",
    "燕艳",
    "霞夏",
    "梅玫",
    "英瑛",
    "玉钰",
    "凯恺",
    "浩昊",
    "俊峻",
    "晨辰",
    "阳洋",
    "飞菲",
    "亮靓",
    "宇雨羽",
    "琪琦棋",
    "欣馨新",
    "佳嘉家",
    "怡宜",
)
_VARIANTS: dict[str, str] = {c: group for group in HOMOPHONES for c in group}


def _weights(guangxi: bool) -> np.ndarray:
    w = np.array([p for _, p in SURNAMES])
    if guangxi:
        w = w * np.array([GUANGXI_BOOST.get(s, 1.0) for s, _ in SURNAMES])
    return np.asarray(w / w.sum())


def random_names(sex: np.ndarray, guangxi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One name per person: surname by frequency (Guangxi table for locals), 1-2 given chars."""
    n = len(sex)
    surnames = np.array([s for s, _ in SURNAMES], dtype=object)
    sur = np.empty(n, dtype=object)
    for local in (False, True):
        idx = np.flatnonzero(guangxi == local)
        sur[idx] = surnames[rng.choice(len(surnames), len(idx), p=_weights(local))]
    male = np.array(list(MALE_CHARS + NEUTRAL_CHARS), dtype=object)
    female = np.array(list(FEMALE_CHARS + NEUTRAL_CHARS), dtype=object)
    is_male = sex == "M"
    first = np.where(
        is_male, male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)]
    )
    second = np.where(
        is_male, male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)]
    )
    two = rng.random(n) < 0.7
    given = np.where(two, first + second, first)
    return np.asarray(sur + given, dtype=object)


def homophone_variant(name: str, rng: np.random.Generator) -> str:
    """The name with one character replaced by a same-sounding one (itself when none exists)."""
    positions = [i for i, c in enumerate(name) if c in _VARIANTS]
    if not positions:
        return name
    i = positions[int(rng.integers(len(positions)))]
    choices = [c for c in _VARIANTS[name[i]] if c != name[i]]
    return name[:i] + choices[int(rng.integers(len(choices)))] + name[i + 1 :]


# Simplified -> traditional (or variant) forms of common name characters.
TRADITIONAL = dict(
    zip(
        "陈张刘杨黄赵吴孙马罗郑谢韩冯邓许韦陆钟卢苏叶吕蒋贾阎钱谭邹顾龙万汤乔贺赖龚覃"
        "伟华丽军红杰国兰凤荣涛刚辉鹏强东宁云飞庆义凯欢晓爱静洁贤锋进宝贵发晖学兴娟琳颖",
        "陳張劉楊黃趙吳孫馬羅鄭謝韓馮鄧許韋陸鍾盧蘇葉呂蔣賈閻錢譚鄒顧龍萬湯喬賀賴龔覃"
        "偉華麗軍紅傑國蘭鳳榮濤剛輝鵬強東寧雲飛慶義凱歡曉愛靜潔賢鋒進寶貴發暉學興娟琳穎",
        strict=True,
    )
)


def written_variant(name: str, rng: np.random.Generator) -> str:
    """A homophone variant of the name, else one character in its traditional form."""
    variant = homophone_variant(name, rng)
    if variant != name:
        return variant
    positions = [i for i, c in enumerate(name) if TRADITIONAL.get(c, c) != c]
    if not positions:
        return name
    i = positions[int(rng.integers(len(positions)))]
    return name[:i] + TRADITIONAL[name[i]] + name[i + 1 :]
