"""Chinese text from templates: slot filling, shared vocabulary and realistic noise.

Every fact is rendered through many templates with random slots, then roughened with
typos, emoji, particles and line breaks, so text mining has to generalise instead of
matching one fixed sentence. Text that appears in huge tables (queries, panel comments)
is drawn from pre-built pools so per-row cost stays vectorised.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

EMOJI: tuple[str, ...] = ("✨", "😭", "👍", "🔥", "💯", "🥹", "❤️", "😂", "🙌", "👀", "💡", "🌟", "🤣", "😍", "🫶", "😮‍💨")
PARTICLES: tuple[str, ...] = ("啊", "呀", "哈哈哈", "呢", "吧", "哦", "～", "!!", "嘿嘿", "捏", "嘛")
TYPOS: tuple[tuple[str, str], ...] = (
    ("的", "滴"), ("什么", "神马"), ("这样", "酱紫"), ("喜欢", "稀饭"), ("真的", "真滴"),
    ("觉得", "jio得"), ("没有", "木有"), ("东西", "东东"), ("不知道", "不造"), ("姐妹", "集美"),
)
GENERIC_TAGS: tuple[str, ...] = ("好物分享", "种草", "日常", "真实测评", "分享", "小红书成长笔记", "好物推荐", "生活碎片")

# Shared slots every world may use.
COMMON_SLOTS: dict[str, tuple[str, ...]] = {
    "intro": ("家人们", "姐妹们", "宝子们", "朋友们", "集美们", "大家好", "哈喽", "来交作业啦", "碎碎念一下"),
    "feel": ("真的绝了", "还挺惊喜", "没想到这么好", "有点上头", "比预期好", "一般般吧", "还行", "说实话挺值"),
    "time": ("三个月", "半年", "一年多", "两个月", "快一年", "小半年"),
    "ask": ("求链接", "多少钱呀", "在哪买的", "蹲一个", "码住", "同问", "有人用过吗", "求推荐"),
    "praise": ("好棒", "太实用了", "收藏了", "学到了", "已码", "爱了", "说得太对了", "感谢分享"),
    "hardsell": ("闭眼入", "绝绝子", "全网最低", "手慢无", "冲就完了", "谁买谁夸", "不买后悔", "yyds", "按头安利"),
    "code": ("优惠码 {codeword}", "口令 {codeword}", "暗号 {codeword}", "下单备注 {codeword} 立减"),
    "codeword": ("GOOD50", "XHS666", "MO888", "JIA520", "LING99", "FREE30", "VIP2025", "QIANG10"),
    "neg": ("质量差", "踩雷了", "智商税", "已退货", "别买", "做工粗糙", "客服不理人", "后悔死了", "翻车"),
}


def fill(template: str, slots: Mapping[str, Sequence[str]], rnd: random.Random) -> str:
    """Replace ``{slot}`` markers (nested up to 4 levels) by a random option each."""

    def pick(m: re.Match[str]) -> str:
        options = slots.get(m.group(1))
        if not options:
            return m.group(0)
        return options[rnd.randrange(len(options))]

    text = template
    for _ in range(4):
        if "{" not in text:
            break
        text = _SLOT.sub(pick, text)
    return text


_SLOT = re.compile(r"\{([a-z_0-9]+)\}")


def roughen(text: str, rnd: random.Random, level: float = 0.35) -> str:
    """Add the noise real posts carry; ``level`` is roughly the chance of each kind."""
    if rnd.random() < level * 0.6:
        a, b = TYPOS[rnd.randrange(len(TYPOS))]
        text = text.replace(a, b, 1)
    if rnd.random() < level:
        text += PARTICLES[rnd.randrange(len(PARTICLES))]
    if rnd.random() < level * 1.5:
        text += "".join(rnd.choice(EMOJI) for _ in range(rnd.randint(1, 3)))
    if rnd.random() < level * 0.3 and "，" in text:
        text = text.replace("，", rnd.choice(("，", " ", "～", "！")), 1)
    return text


class TextMaker:
    """Slot-filling with a shared vocabulary and one seeded random stream."""

    def __init__(self, slots: Mapping[str, Sequence[str]], seed: int) -> None:
        merged: dict[str, Sequence[str]] = dict(COMMON_SLOTS)
        merged.update(slots)
        self.slots = merged
        self.rnd = random.Random(seed)

    def line(self, templates: Sequence[str], level: float = 0.35, **fixed: str) -> str:
        slots = self.slots if not fixed else {**self.slots, **{k: (v,) for k, v in fixed.items()}}
        t = templates[self.rnd.randrange(len(templates))]
        return roughen(fill(t, slots, self.rnd), self.rnd, level)

    def body(self, templates: Sequence[str], tags: Sequence[str], sentences: tuple[int, int] = (2, 4),
             **fixed: str) -> str:
        """A multi-sentence note body: distinct templates, line breaks, trailing hashtags."""
        k = min(len(templates), self.rnd.randint(*sentences))
        picked = self.rnd.sample(list(templates), k)
        parts = [self.line((t,), **fixed) for t in picked]
        sep = self.rnd.choice(("\n", "\n\n", " ", "\n"))
        text = sep.join(parts)
        if tags and self.rnd.random() < 0.85:
            text += "\n" + " ".join("#" + t for t in self.tags(tags))
        return text

    def tags(self, tags: Sequence[str], k: tuple[int, int] = (2, 5)) -> list[str]:
        pool = list(dict.fromkeys([*tags, *GENERIC_TAGS]))
        n = min(len(pool), self.rnd.randint(*k))
        own = [t for t in tags if t in pool][:1]
        rest = self.rnd.sample([t for t in pool if t not in own], n - len(own))
        return [fill(t, self.slots, self.rnd) for t in own + rest]

    def pool(self, templates: Sequence[str], n: int, level: float = 0.35, **fixed: str) -> list[str]:
        """``n`` rendered variants, deduplicated where possible, for index-based sampling."""
        out = [self.line(templates, level, **fixed) for _ in range(n)]
        return out
