"""Short names for segments, the way a marketer would write them.

Two styles (:data:`NAMING_STYLES`):

``"traits"`` (the default) names a segment from what sets it apart:

- a numeric feature whose segment mean is at least :data:`NAME_Z` overall
  standard deviations from the overall mean gives "High likes" or
  "Low tenure days" (column names made readable by
  :func:`pretty_feature_name`; a period such as "likes_30d" is left out of
  names, "High likes", unless two features differ only by it);
- a yes/no feature is worded as such (:func:`yes_no_phrases`): "Has app" when
  most of the segment has it and the share is well above average, "No app"
  when most of it does not and the share is well below average; a flag that
  stays a minority although it is far more common than average is
  "Often churned", one that stays a majority although it is far less common
  than average is "Less often has app";
- a category much more common in the segment than overall gives
  "Mostly video" ("Mostly channel 3" when the value alone would say nothing:
  a number, a one- or two-letter code, "yes", "other" ...).

The most distinctive two terms (``max_terms``) are joined by :data:`JOINER`:
``"High shares · Low likes"``. A segment with no such term but with weaker
ones (``|z|`` from :data:`TYPICAL_Z` to :data:`NAME_Z`, a never-negative
measure at most half or at least twice its average, or a weaker category
lift) is named from those: "Slightly low likes · Slightly low comments", or
"Below average overall" when at least three features (and at least half of
all its features) are below average that way, none above, and its average
``z`` is below zero too ("Above average overall" the other way round). Only a segment close to average on everything (every
``|z| < TYPICAL_Z``, no count at half or twice its average, and no category
lift) is :data:`TYPICAL`.

``"level"`` ranks the segments by their mean ``z`` over the numeric and
yes/no features and names them by overall level, for tables where every
feature is an activity measure: "Most active", "Moderately active",
"Least active" ... (see :func:`level_names`); the least active one is
"Inactive" when its means are all near zero.

Names never carry a numeric suffix. Segments that would share a name are told
apart, in this order, by

1. their next most distinctive traits (at most :data:`MAX_EXTRA_TERMS` more,
   weaker ones included), added to each tied segment that has one:
   "High likes · Slightly high shares" / "High likes · Slightly low shares";
2. degree, from the ``z``-score: "Very high likes" (``|z| >= 1.5``) and
   "Extremely high likes" (``|z| >= 3``) beside "High likes"; "Nearly all
   video" (share >= 0.9) beside "Mostly video";
3. size, when every tied segment has a different size: "Typical · Larger
   group" / "Typical · Smaller group", or "Largest group", "Second largest
   group", ..., "Smallest group" for three or more;
4. letters, when sizes are equal or not given: "Typical · Group A",
   "Typical · Group B", ...

Relative words ("Higher likes" beside "High likes") are not used: they read
as a comparison with the other segment rather than with the average, and they
do not extend beyond two or three segments; size does, and a marketer can
check it in the table.

Only when all of that still leaves two names equal (a yes/no feature named
"larger group", say) does a name get a numeral in brackets, "… (2)": a last
resort that realistic data never reaches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SegwidgetsValueError
from .text import plain_text

#: Between the terms of a generated name.
JOINER = " · "
#: Name of a segment close to average on everything.
TYPICAL = "Typical"
#: Smallest ``|z|`` that makes a feature part of a name.
NAME_Z = 0.5
#: Below this ``|z|`` (and without a category lift) a feature is "average";
#: from it up to :data:`NAME_Z` a feature is "slightly" high or low.
TYPICAL_Z = 0.25
#: A never-negative feature at most 1/FAR_RATIO or at least FAR_RATIO times its
#: overall mean is "low" or "high" in a name whatever its ``|z|`` (see ``nonnegative``).
FAR_RATIO = 2.0
#: ``|z|`` from which a tie is told apart as "Very high" ...
VERY_Z = 1.5
#: ... and "Extremely high".
EXTREMELY_Z = 3.0
#: A category names a segment ("Mostly video") when at least this share of the
#: segment's rows have it ...
MOSTLY_SHARE = 0.5
#: ... and its share is at least this much above the share over all rows.
MOSTLY_GAIN = 0.15
#: A weaker category lift (a category at least this much above its overall
#: share, with a lift of at least :data:`TYPICAL_Z`) keeps a segment from being
#: "Typical" and can tell tied segments apart.
WEAK_GAIN = 0.05
#: "Nearly all video" (rather than "Mostly video") from this share, to tell ties apart.
NEARLY_ALL_SHARE = 0.9
#: How many terms beyond ``max_terms`` may be added to tell tied segments apart.
MAX_EXTRA_TERMS = 2
#: Separates feature and value in the columns of ``category_shares``.
CATEGORY_SEP = " = "
#: The value standing for a missing category (never part of a name).
MISSING = "(missing)"
#: The naming styles :func:`auto_names` knows.
NAMING_STYLES: tuple[str, ...] = ("traits", "level")
#: In style "level", a segment is "Inactive" (rather than "Least active") when
#: every mean is at most this fraction of the overall mean.
INACTIVE_RATIO = 0.1
#: Category values longer than this are shortened in names.
MAX_VALUE_CHARS = 30

#: Leading words that only say "a count of": "num_likes" is "likes".
COUNT_PREFIXES = frozenset({"num", "n", "nb", "cnt", "count"})
#: Short forms spelled out ("avg_basket" -> "average basket"); only lower-case words.
ABBREVIATIONS = {"avg": "average", "amt": "amount", "qty": "quantity", "pct": "percent"}
#: Words marking a yes/no column that add nothing to its wording.
_FLAG_PREFIXES = frozenset({"flag", "flg", "bool"})
_FLAG_SUFFIXES = frozenset({"flag", "flg", "yn", "ind", "indicator", "bool"})
#: Kept in capitals even in a name written all in capitals ("CUSTOMER_ID" -> "customer ID").
ACRONYMS = frozenset({
    "ID", "IDS", "NPS", "URL", "CRM", "ROI", "LTV", "CLV", "AOV", "ARPU", "SMS", "EUR", "USD", "GBP",
    "CHF", "VIP", "KPI", "SKU", "UTM", "IP", "API", "GMV", "CTR", "CPC", "CPM", "CPA", "RFM", "MRR",
    "ARR", "UK", "US", "EU", "TV", "FAQ", "QR", "OS", "B2B", "B2C", "CSAT", "CES", "PDF", "GPS",
    "SEO", "SEM", "PPC", "HTML", "USA", "ZIP", "DOB", "YTD", "MTD", "QTD", "AI", "IOS", "PC",
})
#: Lower-case words read as these acronyms in any name ("nps_score" -> "NPS score"); words that
#: are also English ("us", "it") or usually lower-case ("zip") are left out.
_UPCASE = frozenset(ACRONYMS - {"US", "OS", "AI", "PC", "IP", "TV", "EU", "UK", "CES", "SEM", "ZIP", "IOS"})
#: Single words that name a thing one has or has not ("No app", not "Not app").
_THING_WORDS = frozenset({
    "app", "newsletter", "coupon", "voucher", "email", "sms", "push", "discount", "promo",
    "promotion", "loyalty", "card", "referral", "subscription", "optin", "consent", "children",
    "kids", "pet", "car", "mortgage", "loan", "insurance", "account", "purchase", "order",
    "complaint", "refund", "return", "review", "feedback", "photo", "video", "link",
})
#: Irregular past participles ("paid" reads "Not paid").
_PARTICIPLES = frozenset({"paid", "won", "lost", "sent", "made", "done", "seen", "left", "gone",
                          "bought", "sold", "read", "known", "given", "taken", "shown", "kept"})
#: Words that make a phrasal verb ("opted in" reads "Not opted in").
_PARTICLES = frozenset({"in", "out", "up", "off", "on", "down", "back", "away"})
#: Category values that say nothing without their feature ("Mostly channel other").
_VAGUE_VALUES = frozenset({"yes", "no", "true", "false", "y", "n", "other", "others", "unknown",
                           "none", "n/a", "na", "null", "-", "?", "misc", "various", "all", "any"})

_SEPARATORS = re.compile(r"[\s_\-.]+")
_PERIOD = re.compile(r"(\d+)(d|days?|w|wks?|weeks?)", re.IGNORECASE)
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                    "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


# --- readable column names -----------------------------------------------------

def _split_camel(chunk: str) -> list[str]:
    """``"NPSScore"`` -> ``["NPS", "Score"]``, ``"last30Days"`` -> ``["last", "30", "Days"]``."""
    words: list[str] = []
    current = chunk[0]
    for i in range(1, len(chunk)):
        prev, char = chunk[i - 1], chunk[i]
        following = chunk[i + 1] if i + 1 < len(chunk) else ""
        split = False
        if char.isupper() and (prev.islower() or prev.isdigit()):
            split = True  # hasApp, 30Days
        elif char.isupper() and prev.isupper() and following.islower():
            # the end of an acronym: NPSScore -> NPS Score; but userIDs stays userIDs
            rest = chunk[i + 1:]
            split = not (following == "s" and not any(c.islower() for c in rest[1:2]))
        elif char.isdigit() and prev.isalpha() and i >= 2 and chunk[i - 2].isalpha():
            j = i
            while j < len(chunk) and chunk[j].isdigit():
                j += 1
            split = j < len(chunk) and chunk[j].isupper()  # last30Days; not top10, q1Sales
        if split:
            words.append(current)
            current = char
        else:
            current += char
    words.append(current)
    return words


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(c.isupper() for c in letters):
        return True
    # a plural acronym: IDs, KPIs
    return word.endswith("s") and len(letters) >= 3 and all(c.isupper() for c in letters[:-1])


def _vowelless(word: str) -> bool:
    letters = [c for c in word.upper() if c.isalpha()]
    return 2 <= len(letters) <= 5 and not set(letters) & set("AEIOUY")


def _readable_words(name: object) -> list[str]:
    """The words of a column name, cased as they should read (empty if it has none)."""
    text = plain_text(str(name))  # no control or bidi-override character (U+202E reverses text)
    words = [w for chunk in _SEPARATORS.split(text) if chunk for w in _split_camel(chunk)]
    if not words:
        return []
    shouting = not any(c.islower() for c in text) and any(c.isupper() for c in text)
    out: list[str] = []
    for word in words:
        if shouting:
            keep = (len(words) == 1 and len(word) <= 4) or word.upper() in ACRONYMS or _vowelless(word)
            if keep and word.upper() == "IDS":
                word = "IDs"
        else:
            letters = [c for c in word if c.isalpha()]
            keep = _is_acronym(word) or (len(letters) == 1 and word.isupper())
        if not keep and word.upper() in _UPCASE:
            word, keep = ("IDs" if word.upper() == "IDS" else word.upper()), True
        out.append(word if keep else word.lower())
    out = [ABBREVIATIONS.get(word, word) for word in out]
    period = _PERIOD.fullmatch(out[-1]) if len(out) >= 2 else None
    if period:  # likes_30d: likes in 30 days
        number, unit = int(period.group(1)), "day" if period.group(2).lower().startswith("d") else "week"
        out = [*out[:-1], "in", str(number), unit if number == 1 else unit + "s"]
    if len(out) >= 2 and out[0].lower() in COUNT_PREFIXES:
        out = out[1:]
        if len(out) >= 2 and out[0] == "of":  # count_of_orders
            out = out[1:]
    return out


def _name_label(name: object) -> str:
    """A feature as a segment name shows it: readable, without a period ("likes_30d" -> "likes")."""
    words = _readable_words(name)
    if len(words) >= 4 and words[-3] == "in" and words[-2].isdigit() and words[-1] in (
            "day", "days", "week", "weeks"):
        words = words[:-3]
    return " ".join(words) if words else str(name)


def pretty_feature_name(name: object) -> str:
    """Readable form of a column name, for labels and segment names.

    ``"num_likes"`` -> ``"likes"``, ``"tenureDays"`` -> ``"tenure days"``,
    ``"numberOfOrders"`` -> ``"number of orders"``, ``"NPSScore"`` ->
    ``"NPS score"``, ``"is_premium"`` -> ``"is premium"``, ``"likes_30d"`` ->
    ``"likes in 30 days"``,
    ``"CUSTOMER_ID"`` -> ``"customer ID"``.

    Splits camelCase and PascalCase, snake_case, kebab-case and dots; drops a
    leading count word (:data:`COUNT_PREFIXES`: ``num``, ``n``, ``nb``,
    ``cnt``, ``count``) when words follow it; lower-cases every word but
    acronyms (a run of capitals in a mixed-case name, or a known or vowelless
    acronym in a name written all in capitals); spells out ``avg``, ``amt``,
    ``qty`` and ``pct`` (:data:`ABBREVIATIONS`); a last word such as ``30d``
    or ``4w`` reads "in 30 days", "in 4 weeks". "is" and "has" stay: they are
    worded by :func:`yes_no_phrases`. A pure function; never empty (a name with
    no words is returned as it is, as text).
    """
    words = _readable_words(name)
    return " ".join(words) if words else str(name)


def sentence_case(text: str) -> str:
    """``"likes per post"`` -> ``"Likes per post"``; ``"NPS score"`` stays (unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:] if text else text


def _participle(word: str) -> bool:
    word = word.lower()
    return (len(word) >= 4 and word.endswith("ed")) or word in _PARTICIPLES


def yes_no_phrases(name: object) -> tuple[str, str]:
    """How a yes/no column reads when a segment mostly has it and mostly has not.

    ``"hasApp"`` -> ``("Has app", "No app")``, ``"is_premium"`` ->
    ``("Premium", "Not premium")``, ``"churned"`` -> ``("Churned", "Not churned")``,
    ``"newsletter_optin"`` -> ``("Newsletter optin", "No newsletter optin")``,
    ``"email_verified"`` -> ``("Email verified", "Email not verified")``.

    Rules, from the readable words (:func:`pretty_feature_name`), after a
    leading ``flag``/``bool`` or a trailing ``flag``/``yn``/``ind`` is dropped:
    ``is``/``was``/``are`` X reads "X" / "Not X"; ``has``/``have`` X reads
    "Has X" / "No X" ("Has not X" when X is a past participle); ``any`` X reads
    "Any X" / "No X"; a name ending
    in a past participle reads "… not verified"; one starting with one reads
    "Has not bought shoes" ("Not opted in" for a phrasal verb); a single word
    reads "Not …"; any other phrase (a thing one has, such as
    "newsletter optin", or a single word known to be one, such as "app")
    reads "No …".
    """
    words = _readable_words(name)
    if len(words) >= 2 and words[0].lower() in _FLAG_PREFIXES:
        words = words[1:]
    if len(words) >= 2 and words[-1].lower() in _FLAG_SUFFIXES:
        words = words[:-1]
    if not words:
        text = str(name)
        return text, f"Not {text}"
    lead = words[0].lower()
    rest = words[1:]
    if lead in ("is", "was", "are", "were") and rest:
        yes, no = rest, ["not", *rest]
    elif lead in ("has", "have", "had") and rest:
        yes = ["has", *rest]
        no = ["has", "not", *rest] if _participle(rest[0]) else ["no", *rest]
    elif lead == "any" and rest:
        yes, no = words, ["no", *rest]
    elif len(words) >= 2 and _participle(words[-1]):
        yes, no = words, [*words[:-1], "not", words[-1]]
    elif len(words) >= 2 and _participle(words[0]) and words[1].lower() not in _PARTICLES:
        yes, no = words, ["has", "not", *words]  # bought shoes: has not bought shoes
    elif _participle(words[0]) or (len(words) == 1 and lead not in _THING_WORDS):
        yes, no = words, ["not", *words]
    else:
        yes, no = words, ["no", *words]
    return sentence_case(" ".join(yes)), sentence_case(" ".join(no))


def _lower_first(text: str) -> str:
    """``"Has app"`` -> ``"has app"``; an acronym at the start stays (``"VIP"``)."""
    first = text.split(" ", 1)[0]
    if _is_acronym(first) or (len(first) == 1 and first.isupper() and len(text) > 1 and text[1] == " "):
        return text
    return text[:1].lower() + text[1:]


# --- category columns ------------------------------------------------------------

def category_column(feature: str, value: object) -> str:
    """Column label of a category share: ``"status_type = video"``."""
    return f"{feature}{CATEGORY_SEP}{value}"


def split_category_column(column: object) -> tuple[str, str]:
    """Inverse of :func:`category_column` (splits at the first ``" = "``)."""
    text = str(column)
    feature, sep, value = text.partition(CATEGORY_SEP)
    if not sep:
        return text, ""
    return feature, value


def category_lift(share: float, overall: float) -> float:
    """How far a category's share in a segment is above its overall share.

    Measured like a z-score of the 0/1 indicator "row has this category":
    ``(share - overall) / sqrt(overall * (1 - overall))``, so categories and
    numeric features can be ranked together. NaN when it cannot be told.
    """
    if not (math.isfinite(share) and math.isfinite(overall)):
        return math.nan
    spread = math.sqrt(max(overall * (1.0 - overall), 0.0))
    if spread == 0.0:
        return 0.0 if share == overall else math.copysign(10.0, share - overall)
    return (share - overall) / spread


def category_value_text(feature: object, value: object) -> str:
    """A category value as a name shows it: ``"photo"``; ``"channel 3"`` for a code.

    Underscores in a one-word value become spaces ("shared_video" -> "shared
    video"); a value that says nothing alone (a number, one or two characters,
    "yes", "other", "unknown" ...) is put after the readable feature name;
    values longer than :data:`MAX_VALUE_CHARS` are shortened (at a word's end)
    with "…".
    """
    text = " ".join(plain_text(str(value)).split())
    if " " not in text and "_" in text.strip("_"):
        text = " ".join(text.replace("_", " ").split())
    if len(text) > MAX_VALUE_CHARS:
        cut = text[:MAX_VALUE_CHARS - 1]
        if " " in cut[MAX_VALUE_CHARS // 2:]:  # at a word's end where one is near
            cut = cut[:cut.rindex(" ")]
        text = cut.rstrip() + "…"
    vague = len(text) <= 2 or text.lower() in _VAGUE_VALUES
    if not vague:
        try:
            float(text.replace(",", ""))
            vague = True
        except ValueError:
            pass
    return f"{pretty_feature_name(feature)} {text}" if vague else text


# --- the terms of a segment --------------------------------------------------------

@dataclass(frozen=True)
class _Term:
    score: float   # |z| or category lift: how distinctive
    order: int     # column order, to break ties in score
    plain: str     # as a name shows it
    graded: str    # with its degree ("Very high likes"), to tell ties apart
    strong: bool   # |z| >= NAME_Z (or a "Mostly" category): may name a segment by itself
    sign: int      # +1 above average, -1 below (0 for a category)
    numeric: bool  # a numeric or yes/no feature (not a category)


def _ratio(segment: int, column: object, means: pd.DataFrame | None, overall_means: pd.Series | None) -> float:
    """Segment mean / overall mean of a feature (NaN when not known or the overall mean is not positive)."""
    if means is None or overall_means is None or segment not in means.index or column not in means.columns:
        return math.nan
    mean, overall = float(means.at[segment, column]), float(overall_means.get(column, np.nan))
    if not (math.isfinite(mean) and math.isfinite(overall)) or overall <= 0 or mean < 0:
        return math.nan
    return mean / overall


def _numeric_term(label: str, z: float, order: int, far: bool = False) -> _Term:
    size = abs(z)
    word = "high" if z > 0 else "low"
    strong = size >= NAME_Z
    plain = f"{word} {label}" if strong or far else f"slightly {word} {label}"
    if size >= EXTREMELY_Z:
        graded = f"extremely {word} {label}"
    elif size >= VERY_Z:
        graded = f"very {word} {label}"
    else:
        graded = plain
    return _Term(size, order, sentence_case(plain), sentence_case(graded), strong, 1 if z > 0 else -1, True)


def _boolean_term(feature: object, z: float, share: float | None, order: int) -> _Term:
    yes, no = yes_no_phrases(feature)
    strong = abs(z) >= NAME_Z
    known = share is not None and math.isfinite(share)
    if z > 0:
        text = yes if strong and (not known or share >= 0.5) else f"Often {_lower_first(yes)}"
    else:
        text = no if strong and (not known or share < 0.5) else f"Less often {_lower_first(yes)}"
    return _Term(abs(z), order, text, text, strong, 1 if z > 0 else -1, True)


def _terms_for(
    segment: int,
    zscores: pd.DataFrame | None,
    category_shares: pd.DataFrame | None,
    overall_shares: pd.Series | None,
    booleans: Collection[str],
    means: pd.DataFrame | None,
    overall_means: pd.Series | None = None,
    nonnegative: Collection[str] = (),
) -> list[_Term]:
    """Every term of one segment at least "slightly" distinctive, most distinctive first."""
    scored: list[_Term] = []
    order = 0
    if zscores is not None and segment in zscores.index:
        row = zscores.loc[segment]
        short = {column: _name_label(column) for column in row.index}
        shared = {label for label in short.values() if list(short.values()).count(label) > 1}
        for column, z in row.items():
            order += 1
            z = float(z)
            if not math.isfinite(z):
                continue
            ratio = _ratio(segment, column, means, overall_means) if column in nonnegative else math.nan
            far = math.isfinite(ratio) and (ratio <= 1 / FAR_RATIO or ratio >= FAR_RATIO)
            if abs(z) < TYPICAL_Z and not (far and column not in booleans and z != 0):
                continue
            if column in booleans:
                share = None
                if means is not None and segment in means.index and column in means.columns:
                    share = float(means.at[segment, column])
                scored.append(_boolean_term(column, z, share, order))
            else:
                label = short[column] if short[column] not in shared else pretty_feature_name(column)
                scored.append(_numeric_term(label, z, order, far))
    if category_shares is not None and segment in category_shares.index and category_shares.shape[1]:
        row = category_shares.loc[segment]
        best: dict[str, _Term] = {}
        for column, share in row.items():
            order += 1
            share = float(share)
            if overall_shares is not None and column in overall_shares.index:
                overall = float(overall_shares[column])
            else:  # no overall shares given: the plain average over segments
                overall = float(np.nanmean(category_shares[column].to_numpy(dtype="float64")))
            feature, value = split_category_column(column)
            if not value.strip() or value == MISSING or not math.isfinite(share):
                continue
            lift = category_lift(share, overall)
            if not math.isfinite(lift) or lift < TYPICAL_Z or share - overall < WEAK_GAIN:
                continue
            strong = share >= MOSTLY_SHARE and share - overall >= MOSTLY_GAIN and lift >= NAME_Z
            shown = category_value_text(feature, value.strip())
            plain = f"Mostly {shown}" if share >= MOSTLY_SHARE else f"Often {shown}"
            graded = f"Nearly all {shown}" if share >= NEARLY_ALL_SHARE else plain
            term = _Term(lift, order, plain, graded, strong, 0, False)
            held = best.get(feature)
            if held is None or (term.strong, term.score) > (held.strong, held.score):
                best[feature] = term
        scored.extend(best.values())
    scored.sort(key=lambda t: (not t.strong, -t.score, t.order))
    terms: list[_Term] = []
    seen: set[str] = set()
    for term in scored:
        if term.plain not in seen:
            seen.add(term.plain)
            terms.append(term)
    return terms


@dataclass
class _Name:
    """A segment's name while ties are resolved: its terms and what may be added."""

    head: str | None     # a name that is not made of terms ("Typical", "Below average overall")
    parts: list[_Term]   # the terms shown
    pool: list[_Term]    # further terms, in order, to tell ties apart
    graded: bool = False
    tail: str | None = None  # "Larger group", "Group A"

    def text(self) -> str:
        pieces = [self.head] if self.head else []
        pieces += [t.graded if self.graded else t.plain for t in self.parts]
        if self.tail:
            pieces.append(self.tail)
        return JOINER.join(pieces)


def _base_name(terms: list[_Term], max_terms: int, n_numeric: int, mean_z: float) -> _Name:
    strong = [t for t in terms if t.strong]
    if strong:
        return _Name(None, strong[:max_terms], terms[len(strong[:max_terms]):])
    if not terms:
        return _Name(TYPICAL, [], [])
    weak_numeric = [t for t in terms if t.numeric]
    signs = {t.sign for t in weak_numeric}
    if len(weak_numeric) >= 3 and len(signs) == 1 and 2 * len(weak_numeric) >= n_numeric:
        direction = signs.pop()
        if direction * mean_z > 0:
            head = "Above average overall" if direction > 0 else "Below average overall"
            return _Name(head, [], list(terms))
    return _Name(None, terms[:max_terms], terms[max_terms:])


# --- telling ties apart ---------------------------------------------------------------

def _ordinal(n: int) -> str:
    """1 -> "first", 2 -> "second", 23 -> "twenty-third" (in words up to 99)."""
    if n < 1 or n > 99:
        return f"{n}th"  # never reached: at most 50 segments
    if n < 20:
        word = _WORDS[n]
        return _ORDINAL_ENDINGS.get(word, word + "th")
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _TENS[tens][:-1] + "ieth"
    word = _WORDS[ones]
    return f"{_TENS[tens]}-{_ORDINAL_ENDINGS.get(word, word + 'th')}"


def _letters(n: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (as spreadsheet columns)."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _size_words(count: int) -> list[str]:
    if count == 2:
        return ["Larger group", "Smaller group"]
    words = ["Largest group"]
    words += [f"{sentence_case(_ordinal(i))} largest group" for i in range(2, count)]
    return words + ["Smallest group"]


def _duplicates(names: Mapping[int, _Name]) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for s, name in names.items():
        groups.setdefault(name.text(), []).append(s)
    return [members for members in groups.values() if len(members) > 1]


def _taken(names: Mapping[int, _Name], group: Collection[int]) -> set[str]:
    return {name.text() for s, name in names.items() if s not in group}


def _by_more_terms(group: list[int], names: dict[int, _Name]) -> None:
    """Add each tied segment's next terms where that makes its name unique."""
    taken = _taken(names, group)
    pending = list(group)
    for extra in range(1, MAX_EXTRA_TERMS + 1):
        if len(pending) <= 1:
            return
        longer: dict[int, _Name] = {}
        for s in pending:
            name = names[s]
            if len(name.pool) >= extra:
                longer[s] = _Name(name.head, name.parts + name.pool[:extra], name.pool[extra:],
                                  name.graded, name.tail)
        texts = [n.text() for n in longer.values()]
        for s, name in longer.items():
            text = name.text()
            if texts.count(text) == 1 and text not in taken:
                names[s] = name
                taken.add(text)
                pending.remove(s)


def _by_degree(group: list[int], names: dict[int, _Name]) -> None:
    """Show the degree of every term ("Very high likes") where that tells tied segments apart."""
    taken = _taken(names, group)
    graded = {s: _Name(names[s].head, names[s].parts, names[s].pool, True, names[s].tail) for s in group}
    texts = [n.text() for n in graded.values()]
    plain = names[group[0]].text()
    for s, name in graded.items():
        text = name.text()
        if text != plain and texts.count(text) == 1 and text not in taken:
            names[s] = name
            taken.add(text)


def _by_size(group: list[int], names: dict[int, _Name], sizes: Mapping[int, int] | None) -> None:
    """Tell tied segments apart by size ("Larger group"), else by letter ("Group A")."""
    taken = _taken(names, group)
    tries = []
    if sizes is not None and all(s in sizes for s in group) and len({sizes[s] for s in group}) == len(group):
        tries.append((sorted(group, key=lambda s: (-sizes[s], s)), _size_words(len(group))))
    tries.append((sorted(group), [f"Group {_letters(i)}" for i in range(len(group))]))
    for order, words in tries:
        trial = {s: _Name(names[s].head, names[s].parts, names[s].pool, names[s].graded, word)
                 for s, word in zip(order, words)}
        if not any(n.text() in taken for n in trial.values()):
            names.update(trial)
            return


def _by_numeral(names: dict[int, _Name]) -> dict[int, str]:
    """Last resort, never reached in realistic data: "… (2)" for what is still shared."""
    texts = {s: n.text() for s, n in names.items()}
    used: set[str] = set()
    for s in sorted(texts):
        text = texts[s]
        if text in used:
            number = 2
            while f"{text} ({number})" in used or f"{text} ({number})" in texts.values():
                number += 1
            text = f"{text} ({number})"
        texts[s] = text
        used.add(text)
    return texts


def _unique(names: dict[int, _Name], sizes: Mapping[int, int] | None) -> dict[int, str]:
    for step in (_by_more_terms, _by_degree):
        for group in _duplicates(names):
            step(sorted(group), names)
    for group in _duplicates(names):
        _by_size(sorted(group), names, sizes)
    return _by_numeral(names)


# --- the level style ----------------------------------------------------------------

_LADDERS = {
    1: ["Average activity"],
    2: ["More active", "Less active"],
    3: ["Most active", "Moderately active", "Least active"],
    4: ["Most active", "Very active", "Less active", "Least active"],
    5: ["Most active", "Very active", "Moderately active", "Less active", "Least active"],
    6: ["Most active", "Very active", "Active", "Moderately active", "Less active", "Least active"],
    7: ["Most active", "Very active", "Active", "Moderately active", "Less active",
        "Occasionally active", "Least active"],
}


def _level_words(count: int) -> list[str]:
    if count in _LADDERS:
        return list(_LADDERS[count])
    top = [f"{sentence_case(_ordinal(i))} most active" for i in range(1, (count + 1) // 2 + 1)]
    bottom = [f"{sentence_case(_ordinal(i))} least active" for i in range(count // 2, 0, -1)]
    top[0], bottom[-1] = "Most active", "Least active"
    return top + bottom


def _inactive(segment: int, means: pd.DataFrame | None, overall_means: pd.Series | None) -> bool:
    if means is None or overall_means is None or segment not in means.index or means.shape[1] == 0:
        return False
    checked = 0
    for column in means.columns:
        mean = float(means.at[segment, column])
        overall = float(overall_means.get(column, np.nan))
        if not (math.isfinite(mean) and math.isfinite(overall)):
            continue
        if mean < 0 or overall <= 0 or mean > INACTIVE_RATIO * overall:
            return False
        checked += 1
    return checked > 0


def level_names(
    zscores: pd.DataFrame,
    *,
    sizes: Mapping[int, int] | None = None,
    means: pd.DataFrame | None = None,
    overall_means: pd.Series | None = None,
) -> dict[int, str]:
    """Names by overall level: the segments ranked by their mean ``z``.

    The highest is "Most active", the lowest "Least active" (or "Inactive"
    when ``means`` and ``overall_means`` are given and every mean of it is at
    most :data:`INACTIVE_RATIO` of the overall mean, none negative); between
    them "Very active", "Active", "Moderately active", "Less active",
    "Occasionally active" as the number of segments allows (two segments:
    "More active" and "Less active"); from eight segments on, "Second most
    active" ... "Second least active". Equal means are ranked by size (larger
    first, with ``sizes``), then by id. Names are unique by construction.
    """
    segments = sorted(int(i) for i in zscores.index)
    if not segments:
        return {}
    values = zscores.to_numpy(dtype="float64", na_value=np.nan) if zscores.shape[1] else np.zeros((len(segments), 0))
    level: dict[int, float] = {}
    for position, s in enumerate(zscores.index):
        row = values[position]
        finite = row[np.isfinite(row)]
        level[int(s)] = float(finite.mean()) if finite.size else 0.0
    order = sorted(segments, key=lambda s: (-level[s], -(sizes or {}).get(s, 0), s))
    words = _level_words(len(order))
    names = dict(zip(order, words))
    if len(order) > 1 and _inactive(order[-1], means, overall_means):
        names[order[-1]] = "Inactive"
    return {s: names[s] for s in segments}


# --- auto_names ---------------------------------------------------------------------

def check_naming_style(style: object) -> str:
    """``style`` if it is one of :data:`NAMING_STYLES`; otherwise refused in words."""
    if isinstance(style, str) and style in NAMING_STYLES:
        return style
    raise SegwidgetsValueError(
        f"There is no naming style {style!r}. Choose \"traits\" (names from what sets each segment "
        "apart, such as \"High likes · Low shares\") or \"level\" (names by overall activity, such as "
        "\"Most active\" and \"Least active\")."
    )


def auto_names(
    zscores: pd.DataFrame | None,
    category_shares: pd.DataFrame | None = None,
    max_terms: int = 2,
    *,
    overall_shares: pd.Series | None = None,
    booleans: Collection[str] = (),
    style: str = "traits",
    sizes: Mapping[int, int] | None = None,
    means: pd.DataFrame | None = None,
    overall_means: pd.Series | None = None,
    nonnegative: Collection[str] = (),
) -> dict[int, str]:
    """Generate a short, unique name for every segment.

    Args:
        zscores: index segment id, one column per numeric/boolean feature:
            ``(segment mean - overall mean) / overall std``.
        category_shares: optional, index segment id, columns
            ``"feature = value"``, values the share (0..1) of the segment's
            rows with that value.
        max_terms: how many terms a name has at most before ties are told
            apart (default 2).
        overall_shares: optional share of every category column over all
            rows; without it, the plain average of the segments' shares is
            used as the overall share.
        booleans: the features of ``zscores`` that are yes/no: worded "Has app"
            / "No app" (:func:`yes_no_phrases`), never "High hasApp".
        style: ``"traits"`` (the default) or ``"level"`` (see the module
            docstring); anything else is refused in words.
        sizes: optional ``{segment id: rows}``, to tell identical segments
            apart by size ("Larger group") and to rank equal levels.
        means: optional segment means in the table's units (index segment id);
            a yes/no feature's mean is the share that has it, which decides
            between "Has app" and "Often has app"; style "level" uses them
            (with ``overall_means``) to call a segment "Inactive".
        overall_means: optional mean of every feature over all rows.
        nonnegative: the numeric features that are never below zero (counts,
            amounts). With ``means`` and ``overall_means``, such a feature at
            most half or at least twice its overall mean (:data:`FAR_RATIO`)
            counts as "Low likes" / "High likes" even when its ``|z|`` is
            below :data:`TYPICAL_Z` (heavily skewed counts have a large
            spread): it keeps the segment from being "Typical", as the
            description ("only about 33% of the average likes") would say.

    Returns:
        ``{segment id: name}`` for every segment in ``zscores`` or
        ``category_shares``, sorted by id, e.g. ``"High shares · Low likes"``;
        no two the same and none with a numeric suffix (see the module
        docstring for how ties are told apart).
    """
    style = check_naming_style(style)
    if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) or max_terms < 1:
        raise SegwidgetsValueError(f"max_terms must be a whole number of at least 1, not {max_terms!r}.")
    max_terms = int(max_terms)
    ids: set[int] = set()
    for table in (zscores, category_shares):
        if table is not None:
            ids.update(int(i) for i in table.index)
    segments = sorted(ids)
    if sizes is not None:
        sizes = {int(s): int(n) for s, n in dict(sizes).items()}
    if style == "level" and zscores is not None and zscores.shape[1] and set(segments) <= {
            int(i) for i in zscores.index}:
        return level_names(zscores, sizes=sizes, means=means, overall_means=overall_means)
    # style "level" without numeric features (categories only) falls back to traits
    booleans = {str(b) for b in booleans}
    names: dict[int, _Name] = {}
    for s in segments:
        terms = _terms_for(s, zscores, category_shares, overall_shares, booleans, means, overall_means,
                           nonnegative)
        n_numeric, mean_z = 0, 0.0
        if zscores is not None and s in zscores.index and zscores.shape[1]:
            row = zscores.loc[s].to_numpy(dtype="float64", na_value=np.nan)
            finite = row[np.isfinite(row)]
            n_numeric = int(finite.size)
            mean_z = float(finite.mean()) if finite.size else 0.0
        names[s] = _base_name(terms, max_terms, n_numeric, mean_z)
    return _unique(names, sizes)
