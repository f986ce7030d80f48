"""Chinese text from templates: slot filling, shared vocabulary and realistic noise.

Every fact is rendered through many templates with random slots, then roughened with
typos, emoji, particles and line breaks, so text mining has to generalise instead of
matching one fixed sentence. Text that appears in huge tables (queries, panel comments)
is drawn from pre-built pools so per-row cost stays vectorised.

Then it is made to look like a platform export (:func:`platformise`): platform stickers (``[笑哭R]``),
emoji shortcodes (``:sparkles:``), @mentions, current slang and new words, hashtags with the platform's
``[话题]`` marker, and a few texts in traditional characters. That noise comes from a second random
stream, so a world's people, notes and planted truths are drawn exactly as without it.
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

# Platform debris and today's language (issue 18): the text layer must read through all of it.
STICKERS: tuple[str, ...] = ("[笑哭R]", "[哭惹R]", "[赞R]", "[派对R]", "[doge]", "[偷笑R]", "[害羞R]", "[萌萌哒R]",
                             "[飞吻R]", "[黄金薯R]", "[石化R]", "[买爆R]")
# A complaint is decorated in its own tone (😮‍💨, [哭惹R], [石化R]), not with hearts and [赞R]: real
# stickers carry sentiment (on Weibo's labelled posts they are among the strongest signs of it). The
# same draw picks the counterpart at the same position, so the random streams are unchanged.
NEGATIVE_EMOJI: tuple[str, ...] = ("😮‍💨", "😭", "👎", "😅", "🙃", "😤", "😭", "😡", "🙄", "👀", "💡", "😮‍💨", "🤣", "😤",
                                   "😅", "👀")
NEGATIVE_STICKERS: tuple[str, ...] = ("[笑哭R]", "[哭惹R]", "[石化R]", "[doge]", "[生气R]", "[哭惹R]", "[石化R]",
                                      "[笑哭R]", "[生气R]", "[doge]", "[石化R]", "[哭惹R]")
SHORTCODES: tuple[str, ...] = (":sparkles:", ":teddy_bear:", ":face_with_tears_of_joy:", ":two_hearts:", ":fire:")
SLANG: tuple[str, ...] = ("谁懂啊", "家人们谁懂", "尊嘟假嘟", "city不city", "真的会谢", "狠狠爱住", "偷感很重",
                          "松弛感拉满", "情绪价值拉满", "i人友好", "早八人狂喜", "班味退散", "显眼包本包", "拿捏住了")
MENTIONS: tuple[str, ...] = ("@薯队长", "@闺蜜小鹿", "@momo", "@阿橘今天吃什么", "@大表哥")
# Simplified → traditional for the characters the worlds' text uses most (written here; the text layer folds
# them back with OpenCC's table).
TRADITIONAL: dict[str, str] = dict(zip(
    "这个们说买发会对时为还没过来后让实点样现开问间东种欢爱觉机饰长线颜质价钱贵图书写练课题级电脑话请谁试边听头脚轻湿护肤妆显红笔记场动运装备户门车卖亲测评论区宝贝妈学习师园广华乐鱼号单优码减产业办节岁兴奋戴丽鲜热"
    "绝终经给帮无关网带选觉让调应该够软够冲锋羽绒缓闻响穿灵验环纹",
    "這個們說買發會對時為還沒過來後讓實點樣現開問間東種歡愛覺機飾長線顏質價錢貴圖書寫練課題級電腦話請誰試邊聽頭腳輕濕護膚妝顯紅筆記場動運裝備戶門車賣親測評論區寶貝媽學習師園廣華樂魚號單優碼減產業辦節歲興奮戴麗鮮熱"
    "絕終經給幫無關網帶選覺讓調應該夠軟夠衝鋒羽絨緩聞響穿靈驗環紋", strict=True))

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
        pool = NEGATIVE_EMOJI if _complains(text) else EMOJI
        text += "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 3)))
    if rnd.random() < level * 0.3 and "，" in text:
        text = text.replace("，", rnd.choice(("，", " ", "～", "！")), 1)
    return text


def _complains(text: str) -> bool:
    return any(word in text for word in COMMON_SLOTS["neg"])


def traditional(text: str) -> str:
    """The text with the characters of :data:`TRADITIONAL` in their traditional form."""
    return text.translate(_TO_TRADITIONAL)


_TO_TRADITIONAL = str.maketrans(TRADITIONAL)


def platformise(text: str, rnd: random.Random, level: float = 0.35) -> str:
    """Add what a platform export carries: stickers, shortcodes, mentions, slang, now and then traditional script."""
    if rnd.random() < level * 0.5:
        pool = NEGATIVE_STICKERS if _complains(text) else STICKERS
        sticker = pool[rnd.randrange(len(pool))] * rnd.randint(1, 2)
        cut = text.find("，")
        # Inside the sentence (glued to the words around it) or at its end, as people type them.
        text = text[:cut] + sticker + text[cut:] if cut > 0 and rnd.random() < 0.5 else text + sticker
    if rnd.random() < level * 0.1:
        text += SHORTCODES[rnd.randrange(len(SHORTCODES))]
    if rnd.random() < level * 0.2:
        text += "，" + SLANG[rnd.randrange(len(SLANG))]
    if rnd.random() < level * 0.05:
        text = MENTIONS[rnd.randrange(len(MENTIONS))] + " " + text
    if rnd.random() < 0.03:
        text = traditional(text)
    return text


class TextMaker:
    """Slot-filling with a shared vocabulary and one seeded random stream (plus one for platform noise)."""

    def __init__(self, slots: Mapping[str, Sequence[str]], seed: int) -> None:
        merged: dict[str, Sequence[str]] = dict(COMMON_SLOTS)
        merged.update(slots)
        self.slots = merged
        self.rnd = random.Random(seed)
        # Platform noise draws from its own stream: adding it changes no other draw of the world.
        self.noise = random.Random(seed * 7919 + 17)

    def line(self, templates: Sequence[str], level: float = 0.35, **fixed: str) -> str:
        slots = self.slots if not fixed else {**self.slots, **{k: (v,) for k, v in fixed.items()}}
        t = templates[self.rnd.randrange(len(templates))]
        return platformise(roughen(fill(t, slots, self.rnd), self.rnd, level), self.noise, level)

    def body(self, templates: Sequence[str], tags: Sequence[str], sentences: tuple[int, int] = (2, 4),
             **fixed: str) -> str:
        """A multi-sentence note body: distinct templates, line breaks, trailing hashtags."""
        k = min(len(templates), self.rnd.randint(*sentences))
        picked = self.rnd.sample(list(templates), k)
        parts = [self.line((t,), **fixed) for t in picked]
        sep = self.rnd.choice(("\n", "\n\n", " ", "\n"))
        text = sep.join(parts)
        if tags and self.rnd.random() < 0.85:
            marked = self.noise.random() < 0.4  # the app's own form: #耳饰[话题]#
            text += "\n" + " ".join(f"#{t}[话题]#" if marked else "#" + t for t in self.tags(tags))
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
