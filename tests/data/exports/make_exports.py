"""Write the corpus of realistic exports: tables as analysts bring them from CRMs, shops and apps.

Run ``python tests/data/exports/make_exports.py`` to (re)write the files in this
folder. Every file is made from a seeded random generator (``numpy.random.default_rng``)
by a function of this module, so a run writes the same bytes each time (the Excel
workbook's zip dates and document dates are fixed too). ``README.md`` says what each
file imitates and what a careful analyst would do with it; ``tests/stories/test_real_exports.py``
checks that segwidgets does the same.

Each file hides real segments (a few customer types, drawn with their own means), so
clustering it finds something a marketer can name.

``FILES`` maps each file name to the function that makes its bytes; :func:`write` writes
them (into this folder, or another for a test of the generator itself).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
#: The day every export was made: durations and dates are counted back from it.
EXPORTED = dt.date(2024, 5, 1)
#: The fixed time stamped into the workbook (zip entries and document properties).
STAMP = dt.datetime(2024, 4, 2, 8, 15, 0)


def _csv_bytes(header: list[str], rows: list[list[str]], *, delimiter: str = ",",
               encoding: str = "utf-8") -> bytes:
    """Rows of cell text as a CSV file the way Excel writes one (CRLF, quotes only where needed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _pick(rng: np.random.Generator, persona: np.ndarray, table: dict[int, list[float]]) -> np.ndarray:
    """One draw per row from the row's persona's probabilities (``table[persona] -> weights``)."""
    out = np.empty(len(persona), dtype=int)
    for p, weights in table.items():
        rows = np.flatnonzero(persona == p)
        w = np.asarray(weights, dtype=float)
        out[rows] = rng.choice(len(w), size=len(rows), p=w / w.sum())
    return out


def _counts(rng: np.random.Generator, persona: np.ndarray, means: dict[int, float], shape: float) -> np.ndarray:
    """Heavily skewed counts: negative binomial per persona (small ``shape``: a long tail)."""
    mean = np.array([means[p] for p in persona], dtype=float)
    return rng.negative_binomial(shape, shape / (shape + mean))


# ----------------------------------------------------------------- 1. CRM export
CRM_ROWS = 1000
#: Rows whose ``user_hash`` repeats an earlier row's (the same person twice, as CRMs do).
CRM_DUPLICATES = {412: 17, 640: 233, 871: 58, 902: 499, 955: 17}
#: The row whose notes cell is a live Excel formula.
CRM_FORMULA_ROW = 321
CRM_FORMULA = '=HYPERLINK("https://crm.example.com/case/48213","open case 48213")'


def crm_export() -> bytes:
    """A CRM's customer export: hashed ids, zip codes, coded categories, the same duration three
    times, booleans spelt two ways, flags and their "any" summary, skewed counts, money, dates.

    Four hidden customer types: loyal app shoppers, big-basket occasional buyers, new
    browsers and lapsed customers.
    """
    rng = np.random.default_rng(1301)
    n = CRM_ROWS
    persona = rng.choice(4, size=n, p=[0.25, 0.2, 0.3, 0.25])

    magnitude = rng.integers(10**18, 9 * 10**18, size=n, dtype=np.int64)
    sign = np.where(rng.random(n) < 0.5, -1, 1)
    hashes = [int(m) * int(s) for m, s in zip(magnitude, sign)]
    for row, earlier in CRM_DUPLICATES.items():
        hashes[row] = hashes[earlier]
    excel_touched = rng.random(n) < 0.1  # cells Excel rewrote in scientific notation
    hash_text = [f"{h:.4E}" if touched else str(h) for h, touched in zip(hashes, excel_touched)]

    zip_pool = np.concatenate([rng.integers(1001, 9999, 140), rng.integers(10001, 99950, 220)])
    zip_pool[0] = 501  # Holtsville, NY: the first zip code
    zips = [f"{z:05d}" for z in rng.choice(zip_pool, size=n)]
    zips[0] = "00501"

    region = rng.choice(3, size=n, p=[0.45, 0.35, 0.2])
    channel = 1 + _pick(rng, persona, {
        0: [3, 2, 1, 1, 4, 1, 2, 1], 1: [1, 1, 4, 3, 1, 1, 1, 2],
        2: [1, 4, 1, 1, 1, 4, 2, 1], 3: [4, 1, 2, 1, 1, 1, 1, 3],
    })
    title = 1 + rng.choice(3, size=n, p=[0.45, 0.35, 0.2])
    tier = _pick(rng, persona, {0: [5, 4, 1], 1: [4, 4, 2], 2: [1, 3, 6], 3: [1, 4, 5]})
    tier_text = np.array(["Gold", "Silver", "Bronze"])[tier]

    tenure_mean = {0: 1100, 1: 700, 2: 60, 3: 1400}
    tenure = np.array([max(1, int(rng.gamma(6.0, tenure_mean[p] / 6.0))) for p in persona])
    signup = [EXPORTED - dt.timedelta(days=int(d)) for d in tenure]

    app = rng.random(n) < np.array([0.85, 0.3, 0.5, 0.15])[persona]
    newsletter = rng.random(n) < np.array([0.75, 0.4, 0.55, 0.1])[persona]
    orders = _counts(rng, persona, {0: 14, 1: 3, 2: 0.4, 3: 1.0}, 1.2)
    sessions = _counts(rng, persona, {0: 45, 1: 8, 2: 12, 3: 0.6}, 0.9)
    bought = orders > 0
    shoes = bought & (rng.random(n) < np.array([0.7, 0.5, 0.4, 0.3])[persona])
    bags = bought & (rng.random(n) < np.array([0.5, 0.8, 0.2, 0.3])[persona])
    accessories = bought & (rng.random(n) < np.array([0.6, 0.3, 0.3, 0.2])[persona])
    any_purchase = shoes | bags | accessories
    basket = np.exp(rng.normal(np.log(np.array([45.0, 160.0, 35.0, 55.0])[persona]), 0.35))

    recency = rng.integers(1, 365, size=n)
    last_order = [EXPORTED - dt.timedelta(days=int(r)) for r in recency]
    old_system = rng.random(n) < 0.06  # rows from the old shop system write month-first dates

    stores = np.array(["Downtown", "Mall", "Airport", "Online"])[
        _pick(rng, persona, {0: [2, 2, 1, 5], 1: [4, 3, 2, 1], 2: [1, 1, 1, 6], 3: [3, 3, 1, 1]})]
    store_na = rng.random(n) < 0.04  # "NA": the CRM's word for "no preferred store"
    remarks = ["prefers email", "called about a late delivery", "VIP, handle with care",
               "asked for a refund; granted", "moved, new address confirmed", "duplicate of an older account?"]
    has_note = rng.random(n) < 0.06

    header = ["user_hash", "customer_id", "zip", "country", "region", "acquisition_channel", "title",
              "segment", "signup_date", "tenureDays", "tenure_months", "tenure_years", "hasApp",
              "newsletter", "bought_shoes", "bought_bags", "bought_accessories", "any_purchase",
              "orders", "sessions", "avg_basket", "last_order_date", "preferred_store", "notes"]
    rows = []
    for i in range(n):
        if orders[i] == 0:
            order_date = ""
        elif old_system[i]:
            order_date = last_order[i].strftime("%m/%d/%Y")
        else:
            order_date = last_order[i].isoformat()
        note = CRM_FORMULA if i == CRM_FORMULA_ROW else (str(rng.choice(remarks)) if has_note[i] else "")
        rows.append([
            hash_text[i], str(i + 1), zips[i], "US", str(region[i]), str(channel[i]), str(title[i]),
            str(tier_text[i]), signup[i].strftime("%m/%d/%Y"), str(tenure[i]),
            f"{tenure[i] / 30.4375:.1f}", f"{tenure[i] / 365.25:.2f}",
            "TRUE" if app[i] else "FALSE", "Y" if newsletter[i] else "N",
            str(int(shoes[i])), str(int(bags[i])), str(int(accessories[i])), str(int(any_purchase[i])),
            str(orders[i]), str(sessions[i]), f"{basket[i]:.2f}" if orders[i] else "", order_date,
            "NA" if store_na[i] else str(stores[i]), note,
        ])
    return _csv_bytes(header, rows)


# ----------------------------------------------------------------- 2. European shop
EU_ROWS = 800
#: Rows written by hand into the European file: its ambiguous and broken cells.
EU_UNKNOWN_ROW = 5          # visits = "unknown"
EU_NUL_ROW = 300            # revenue = "87,20\x00"


def _euro(value: float, decimals: int = 2) -> str:
    """A number as European Excel writes it: thousands dots, a decimal comma; whole amounts of
    a thousand or more without decimals ("1.234"), as a "#.##0,##"-style format shows them."""
    if decimals == 0 or (value >= 1000 and float(value).is_integer()):
        return f"{round(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def european() -> bytes:
    """A European shop's export: ';'-separated, Latin-1, decimal commas and thousands dots,
    percentages written two ways, day-first dates, an "unknown" and a NUL byte in number columns.

    Four hidden customer types: bargain hunters, wholesale buyers, regulars and window shoppers.
    """
    rng = np.random.default_rng(1302)
    n = EU_ROWS
    persona = rng.choice(4, size=n, p=[0.3, 0.15, 0.3, 0.25])
    ids = rng.choice(np.arange(100000, 999999), size=n, replace=False)
    cities = np.array(["Köln", "München", "Düsseldorf", "Zürich", "Genève", "Wien", "Málaga", "Besançon"])
    city_country = {"Köln": "DE", "München": "DE", "Düsseldorf": "DE", "Zürich": "CH", "Genève": "CH",
                    "Wien": "AT", "Málaga": "ES", "Besançon": "FR"}
    city = cities[rng.choice(len(cities), size=n)]
    start = dt.date(2022, 1, 1)
    signup = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 850, size=n)]
    signup[0], signup[1] = dt.date(2024, 4, 3), dt.date(2024, 4, 13)  # "03/04/2024", "13/04/2024"

    visits = _counts(rng, persona, {0: 9, 1: 4, 2: 22, 3: 14}, 3.0)
    items = np.maximum(1, _counts(rng, persona, {0: 6, 1: 1800, 2: 25, 3: 2}, 2.5))
    items[0] = 1234  # "1.234": a thousand two hundred and thirty-four items
    price = np.exp(rng.normal(np.log(np.array([6.0, 3.5, 14.0, 22.0])[persona]), 0.6))
    revenue = items * price
    revenue[2] = 1234.5  # "1.234,50"
    revenue[3] = 2000.0  # "2.000": a round amount, written without decimals
    discount = np.clip(rng.normal(np.array([0.45, 0.2, 0.08, 0.12])[persona], 0.05), 0, 0.9).round(2)
    discount[0] = 0.45
    discount[1] = 0.45
    conversion = np.clip(rng.normal(np.array([4.0, 25.0, 12.5, 1.0])[persona], 1.2), 0.1, 60).round(1)
    conversion[0] = 12.5
    conversion[1] = 25.0
    plain_share = rng.random(n) < 0.1  # cells of the discount column without the percent format
    plain_share[0], plain_share[1] = False, True  # "45%" and "0,45" on the first two rows

    header = ["customer_id", "city", "country", "signup", "visits", "items", "revenue", "discount",
              "conversion"]
    rows = []
    for i in range(n):
        share = _euro(discount[i], 2) if plain_share[i] else f"{round(discount[i] * 100)}%"
        rows.append([
            str(ids[i]), str(city[i]), city_country[str(city[i])], signup[i].strftime("%d/%m/%Y"),
            "unknown" if i == EU_UNKNOWN_ROW else str(visits[i]), _euro(items[i], 0),
            _euro(revenue[i]) + ("\x00" if i == EU_NUL_ROW else ""), share,
            _euro(conversion[i], 1) + " %",
        ])
    return _csv_bytes(header, rows, delimiter=";", encoding="cp1252")


# ----------------------------------------------------------------- 3. marketplace workbook
MARKET_ROWS = 600
MARKET_SHEETS = ("Read me", "Sellers", "Lookups")
#: The row of the header on the data sheet (1-based): a merged title, an "Exported on" line, a gap.
MARKET_HEADER_ROW = 4
MARKET_TITLE = "Seller performance, Q1 2024"
MARKET_HEADER = ["sellerId", "sellerCode", "category", "warehouse", "joinedOn", "numListings", "numSales",
                 "avgRating", "returnRate", "isVerified", "revenue", "revenuePerListing"]
WAREHOUSES = {"01": "Berlin", "02": "Hamburg", "03": "Leipzig", "05": "Köln", "07": "Wien"}
CATEGORIES = ("Electronics", "Home", "Fashion", "Toys", "Books")


def _fixed_workbook(data: bytes) -> bytes:
    """The workbook with every date in it fixed, so the generator writes the same bytes each run."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return out.getvalue()


def marketplace() -> bytes:
    """A marketplace's seller workbook: a read-me sheet first, then the data under a merged title
    row and an "Exported on" line, camelCase headers, text codes, Excel dates and booleans, a
    percentage format, a formula column with no saved values, and a sheet of lookup lists.

    Four hidden seller types: power sellers, casual sellers, problem sellers and newcomers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = np.random.default_rng(1303)
    n = MARKET_ROWS
    persona = rng.choice(4, size=n, p=[0.2, 0.4, 0.15, 0.25])
    seller_ids = rng.choice(np.arange(70001, 99999), size=n, replace=False)
    codes = rng.choice(np.arange(1, 999999), size=n, replace=False)
    category = _pick(rng, persona, {0: [4, 2, 2, 1, 1], 1: [1, 2, 3, 2, 2], 2: [3, 1, 3, 2, 1], 3: [1, 2, 2, 2, 3]})
    warehouse = rng.choice(list(WAREHOUSES), size=n)
    age = np.array([int(rng.gamma(4.0, {0: 500, 1: 300, 2: 250, 3: 20}[p] / 4.0)) + 1 for p in persona])
    listings = np.maximum(1, _counts(rng, persona, {0: 400, 1: 25, 2: 60, 3: 8}, 1.5))
    sales = _counts(rng, persona, {0: 2500, 1: 60, 2: 300, 3: 3}, 1.3)
    rating = np.clip(rng.normal(np.array([4.7, 4.3, 2.9, 4.0])[persona], 0.25), 1.0, 5.0).round(2)
    returns = np.clip(rng.normal(np.array([0.03, 0.05, 0.22, 0.06])[persona], 0.02), 0.0, 0.6).round(3)
    verified = rng.random(n) < np.array([0.95, 0.5, 0.35, 0.1])[persona]
    price = np.array([120.0, 25.0, 30.0, 45.0, 12.0])[category]  # an average price per category
    revenue = (sales * price * np.exp(rng.normal(0.0, 0.8, size=n))).round(2)

    book = Workbook()
    readme = book.active
    readme.title = MARKET_SHEETS[0]
    for row, line in enumerate([
        "Seller performance export", "",
        "This workbook was exported from SellerHub on 2 April 2024.",
        "The sheet Sellers has one row per seller; the sheet Lookups lists the category and warehouse codes.",
        "avgRating is the average star rating over the last 90 days (empty: no ratings yet).",
        "revenuePerListing is computed in Excel from revenue and numListings.",
        "Questions: marketplace-ops@example.com",
    ], start=1):
        readme.cell(row, 1, line or None)

    sheet = book.create_sheet(MARKET_SHEETS[1])
    sheet.cell(1, 1, MARKET_TITLE).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(MARKET_HEADER))
    sheet.cell(2, 1, "Exported on 2024-04-02 08:15 by SellerHub")
    for column, name in enumerate(MARKET_HEADER, start=1):
        sheet.cell(MARKET_HEADER_ROW, column, name).font = Font(bold=True)
    col = {name: i for i, name in enumerate(MARKET_HEADER, start=1)}
    listings_letter = chr(ord("A") + col["numListings"] - 1)
    revenue_letter = chr(ord("A") + col["revenue"] - 1)
    for i in range(n):
        r = MARKET_HEADER_ROW + 1 + i
        sheet.cell(r, col["sellerId"], int(seller_ids[i]))
        sheet.cell(r, col["sellerCode"], f"{codes[i]:06d}")  # text: the leading zeros are the code's
        sheet.cell(r, col["category"], CATEGORIES[category[i]])
        sheet.cell(r, col["warehouse"], str(warehouse[i]))
        joined = sheet.cell(r, col["joinedOn"], dt.datetime.combine(EXPORTED - dt.timedelta(days=int(age[i])),
                                                                     dt.time()))
        joined.number_format = "yyyy-mm-dd"
        sheet.cell(r, col["numListings"], int(listings[i]))
        sheet.cell(r, col["numSales"], int(sales[i]))
        new_seller = persona[i] == 3 and sales[i] < 2
        sheet.cell(r, col["avgRating"], None if new_seller else float(rating[i]))
        sheet.cell(r, col["returnRate"], float(returns[i])).number_format = "0.0%"
        sheet.cell(r, col["isVerified"], bool(verified[i]))
        sheet.cell(r, col["revenue"], float(revenue[i])).number_format = "#,##0.00"
        sheet.cell(r, col["revenuePerListing"],
                   f"=IFERROR({revenue_letter}{r}/{listings_letter}{r},0)").number_format = "#,##0.00"

    lookups = book.create_sheet(MARKET_SHEETS[2])
    lookups.cell(1, 1, "category")
    for row, name in enumerate(CATEGORIES, start=2):
        lookups.cell(row, 1, name)
    lookups.cell(1, 3, "warehouse")
    lookups.cell(1, 4, "city")
    for row, (code, town) in enumerate(WAREHOUSES.items(), start=2):
        lookups.cell(row, 3, code)
        lookups.cell(row, 4, town)

    book.properties.creator = "SellerHub"
    book.properties.created = STAMP
    book.properties.modified = STAMP
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_workbook(buffer.getvalue())


# ----------------------------------------------------------------- 4. community activity
ACTIVITY_ROWS = 2000
ACTIVITY_MEASURES = ("logins_30d", "posts_30d", "likes_30d", "comments_30d", "shares_30d")
#: Last quarter's segwidgets export added these: the file carries them back in.
ACTIVITY_OLD_NAMES = ("Typical", "High likes · High posts", "High likes 2", "Low logins")


def activity() -> bytes:
    """A community's 30-day activity export: every measure a count, mostly zeros (a large group
    of inactive members), beside last quarter's segment columns from an earlier export.

    Four hidden member types: inactive (about 45%), lurkers, regulars and power users.
    """
    rng = np.random.default_rng(1304)
    n = ACTIVITY_ROWS
    persona = rng.choice(4, size=n, p=[0.45, 0.3, 0.18, 0.07])
    means = {
        "logins_30d": {0: 0.15, 1: 6, 2: 18, 3: 28},
        "posts_30d": {0: 0.0, 1: 0.1, 2: 2.5, 3: 14},
        "likes_30d": {0: 0.05, 1: 5, 2: 25, 3: 110},
        "comments_30d": {0: 0.0, 1: 0.4, 2: 6, 3: 35},
        "shares_30d": {0: 0.0, 1: 0.2, 2: 1.5, 3: 9},
    }
    counts = {name: _counts(rng, persona, m, 1.5) for name, m in means.items()}
    counts["logins_30d"] = np.minimum(counts["logins_30d"], 30)  # at most one a day, as the app counts
    member = rng.choice(np.arange(1, 10**6), size=n, replace=False)
    own = np.array(["reader", "creator"])[(persona >= 2).astype(int) ^ (rng.random(n) < 0.1)]
    old = np.clip(persona + rng.choice([-1, 0, 0, 0, 1], size=n), 0, 3)

    header = ["member_id", "segment", "segwidgets_segment", "segment_name", *ACTIVITY_MEASURES]
    rows = [[f"M{member[i]:06d}", str(own[i]), str(old[i]), ACTIVITY_OLD_NAMES[old[i]],
             *(str(counts[m][i]) for m in ACTIVITY_MEASURES)] for i in range(n)]
    return _csv_bytes(header, rows)


# ----------------------------------------------------------------- 5. app users (Parquet)
APP_ROWS = 800


def app_users() -> bytes:
    """An app's user table saved by a data team as Parquet: typed columns, with codes stored as
    digit text ("1", "101"), a numeric key of huge magnitude, nullable counts and a one-value column.

    Three hidden user types: trial tourists, steady subscribers and heavy users.
    """
    rng = np.random.default_rng(1305)
    n = APP_ROWS
    persona = rng.choice(3, size=n, p=[0.4, 0.4, 0.2])
    device = ["{:032x}".format(int.from_bytes(rng.bytes(16), "big")) for _ in range(n)]
    device = [f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}" for d in device]
    account = rng.choice(np.arange(10**11, 10**12, 7919, dtype=np.int64), size=n, replace=False)
    plan = 1 + _pick(rng, persona, {0: [8, 1, 1], 1: [2, 6, 2], 2: [1, 3, 6]})
    store = 101 + rng.choice(12, size=n)
    sessions = _counts(rng, persona, {0: 2, 1: 20, 2: 70}, 2.0)
    minutes = np.exp(rng.normal(np.log(np.array([3.0, 9.0, 25.0])[persona]), 0.3)).round(1)
    purchases = _counts(rng, persona, {0: 0.2, 1: 2, 2: 9}, 2.0)
    trial = rng.random(n) < np.array([0.85, 0.1, 0.05])[persona]
    lost = rng.random(n) < 0.03  # sessions not tracked for these users
    seen = pd.Timestamp("2024-05-01") - pd.to_timedelta(
        rng.integers(0, 24 * 60, size=n) * (1 + (persona == 0) * 40), unit="min")
    frame = pd.DataFrame({
        "device_id": device,
        "account_key": account,
        "plan": [str(p) for p in plan],
        "store": [str(s) for s in store],
        "country": pd.Categorical(rng.choice(["DE", "FR", "NL", "PL"], size=n)),
        "app_version": "5.2.0",
        "is_trial": trial,
        "sessions": pd.array(np.where(lost, 0, sessions), dtype="Int64"),
        "minutes": minutes,
        "purchases": purchases.astype("int64"),
        "last_seen": seen.astype("datetime64[us]"),
    })
    frame.loc[lost, "sessions"] = pd.NA
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, compression="snappy")
    return buffer.getvalue()


FILES: dict[str, Callable[[], bytes]] = {
    "crm_export.csv": crm_export,
    "european.csv": european,
    "marketplace.xlsx": marketplace,
    "activity.csv": activity,
    "app_users.parquet": app_users,
}


def write(folder: Path = HERE) -> list[Path]:
    """Write every file of the corpus into ``folder``; return their paths."""
    folder = Path(folder)
    paths = []
    for name, make in FILES.items():
        path = folder / name
        path.write_bytes(make())
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write():
        print(f"{written.name}: {written.stat().st_size / 1024:.0f} KB")
