"""Import peer for bench/import.ts: what an analyst would do with pandas to load an order-lines CSV.

Reads the CSV with explicit dtypes, parses the order time (local, Asia/Shanghai) to UTC plus the local day,
checks amounts, drops duplicate order ids, and writes the table out (pickle: the cheapest write pandas has, so
the comparison favours pandas). Prints one JSON line: rows, seconds, peak RSS in MiB.
Run with Debian's interpreter: /usr/bin/python3 bench/peers/import_pandas.py FILE OUT
"""
import json
import resource
import sys
import time

import pandas as pd

src, out = sys.argv[1], sys.argv[2]
t0 = time.time()
df = pd.read_csv(src, dtype={"order_id": "string", "member_no": "string", "channel": "category", "item_count": "Int32"})
local = pd.to_datetime(df["ordered_at"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
df["order_date"] = local.dt.date
df["ordered_at"] = local.dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC").dt.tz_localize(None)
df["gross_amount"] = pd.to_numeric(df["gross_amount"], errors="coerce")
bad = df["ordered_at"].isna() | df["gross_amount"].isna() | df["order_id"].isna()
good = df[~bad].drop_duplicates("order_id")
good.to_pickle(out)
seconds = time.time() - t0
print(json.dumps({"rows": int(len(good)), "rejected": int(bad.sum()), "seconds": seconds,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
