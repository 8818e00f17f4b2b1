#!/usr/bin/python3
"""Reference peer for the insight engine: the same KPIs, monthly cohorts and RFM segments as Siyu
(docs/metrics.md), written the way an analyst would in pandas. Input: a CSV of orders with the header
customer_id,order_date,amount (cancelled orders already left out; an empty customer_id is an orphan order).

    /usr/bin/python3 bench/peers/insight_pandas.py orders.csv [--from YYYY-MM-DD --to YYYY-MM-DD] [--ref YYYY-MM-DD]

Prints one JSON object: kpi, cohorts, rfm, and the seconds each part took."""
import argparse, json, sys, time
import numpy as np
import pandas as pd

SEGMENTS = [  # (name, R high, F high, M high)
    ("重要价值", 1, 1, 1), ("重要发展", 1, 0, 1), ("重要保持", 0, 1, 1), ("重要挽留", 0, 0, 1),
    ("一般价值", 1, 1, 0), ("一般发展", 1, 0, 0), ("一般保持", 0, 1, 0), ("一般挽留", 0, 0, 0),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    ap.add_argument("--ref")
    a = ap.parse_args()
    t0 = time.time()
    df = pd.read_csv(a.csv, dtype={"customer_id": "Int64", "amount": "float64"}, parse_dates=["order_date"])
    t_load = time.time() - t0

    # KPIs of the window (all time when not given)
    t0 = time.time()
    start = pd.Timestamp(a.start) if a.start else df.order_date.min()
    end = pd.Timestamp(a.end) if a.end else df.order_date.max()
    w = df[(df.order_date >= start) & (df.order_date <= end)]
    known = df[df.customer_id.notna()]
    wk = w[w.customer_id.notna()]
    per = wk.groupby("customer_id").size()
    first = known.groupby("customer_id").order_date.min()
    orders, gmv, customers = len(w), round(float(w.amount.sum()), 2), int(len(per))
    kpi = {
        "customers": customers,
        "orders": orders,
        "gmv": gmv,
        "aov": gmv / orders if orders else None,
        "frequency": float(per.sum()) / customers if customers else None,
        "repurchase_rate": float((per >= 2).sum()) / customers if customers else None,
        "new_customers": int((first.loc[per.index] >= start).sum()),
    }
    t_kpi = time.time() - t0

    # Monthly cohorts: cohort = month of the first order; cell k = customers ordering k months later
    t0 = time.time()
    month = known.order_date.dt.year * 12 + known.order_date.dt.month - 1
    cm = pd.DataFrame({"c": known.customer_id.values, "m": month.values}).drop_duplicates()
    cm["cohort"] = cm.groupby("c").m.transform("min")
    cells = cm.groupby(["cohort", cm.m - cm.cohort]).size()
    last = int(cm.m.max())
    cohorts = []
    for co, s in cells.groupby(level=0):
        s = s.droplevel(0)
        size = int(s.loc[0])
        span = last - int(co)
        counts = [int(s.get(k, 0)) for k in range(span + 1)]
        cohorts.append({"cohort": f"{int(co) // 12:04d}-{int(co) % 12 + 1:02d}", "size": size, "retention": [n / size for n in counts]})
    t_cohort = time.time() - t0

    # RFM: R = days to the reference date, F = orders, M = spend; high/low against the means; 1–5 scores
    t0 = time.time()
    ref = pd.Timestamp(a.ref) if a.ref else known.order_date.max() + pd.Timedelta(days=1)
    upto = known[known.order_date < ref]
    g = upto.groupby("customer_id").agg(last=("order_date", "max"), f=("order_date", "size"), m=("amount", "sum"))
    g["m"] = g.m.round(2)
    g["r"] = (ref - g["last"]).dt.days
    n = len(g)
    score = lambda rank: (1 + (5 * (rank.astype(np.int64) - 1)) // n)
    rs, fs, ms = score(g.r.rank(method="min", ascending=False)), score(g.f.rank(method="min")), score(g.m.rank(method="min"))
    rh, fh, mh = g.r < g.r.mean(), g.f > g.f.mean(), g.m > g.m.mean()
    sizes = {name: int(((rh == bool(r)) & (fh == bool(f)) & (mh == bool(m))).sum()) for name, r, f, m in SEGMENTS}
    dist = lambda s: {str(k): int((s == k).sum()) for k in range(1, 6)}
    rfm = {"reference_date": ref.strftime("%Y-%m-%d"), "customers": n, "sizes": sizes,
           "scores": {"r": dist(rs), "f": dist(fs), "m": dist(ms)},
           "means": {"recency_days": float(g.r.mean()), "frequency": float(g.f.mean()), "monetary": float(g.m.mean())}}
    t_rfm = time.time() - t0

    json.dump({"kpi": kpi, "cohorts": cohorts, "rfm": rfm,
               "seconds": {"load": t_load, "kpi": t_kpi, "cohort": t_cohort, "rfm": t_rfm}}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
