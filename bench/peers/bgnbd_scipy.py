#!/usr/bin/python3
"""Peer for bench/models.ts: BG/NBD + Gamma-Gamma fitted the way the lifetimes library does it.

One row per customer (frequency x, recency t_x, age T in weeks, mean repeat spend zbar), the negative mean
log-likelihood vectorised with numpy over all customers, log-parameters, scipy.optimize.minimize (BFGS) with
the gradient supplied (lifetimes gets it from autograd; Debian has no autograd, so it is written out here —
the same numbers, and faster than autograd). Prints one JSON object: fitted parameters, log-likelihoods, seconds.

Usage: /usr/bin/python3 bench/peers/bgnbd_scipy.py summary.csv   (columns x,t_x,T,zbar; Debian python3-scipy/pandas)
       /usr/bin/python3 bench/peers/bgnbd_scipy.py --orders orders.csv END_DAY   (columns customer_id,day,value:
       builds the summaries first with pandas, as lifetimes' summary_data_from_transaction_data does, and times it)
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, digamma, expit


def bgnbd_nll(log_params, x, t_x, T):
    r, alpha, a, b = np.exp(log_params)
    pos = x > 0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    xm1 = np.where(pos, x, 1) - 1
    a4 = np.log(a) - np.log(b + xm1) - (r + x) * np.log(alpha + t_x)
    d = np.where(pos, a4 - a3, -np.inf)
    ll = a1 + a2 + a3 + np.logaddexp(0, d)
    n = len(x)
    w = expit(d)  # weight of the "dropped out after the last purchase" term
    ratio = np.log(alpha + T) - np.log(alpha + t_x)
    dd_alpha = 1 / (alpha + T) - 1 / (alpha + t_x)
    dab = digamma(a + b) - digamma(a + b + x)
    g = np.array([
        np.sum(digamma(r + x) - digamma(r) + np.log(alpha) - np.log(alpha + T) + w * ratio) * r,
        np.sum(r / alpha - (r + x) / (alpha + T) + w * (r + x) * dd_alpha) * alpha,
        np.sum(dab + w / a) * a,
        np.sum(dab + digamma(b + x) - digamma(b) - w / (b + xm1)) * b,
    ])
    return -ll.sum() / n, -g / n


def gg_nll(log_params, x, m):
    p, q, v = np.exp(log_params)
    px = p * x
    s = x * m + v
    ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(s)
    g = np.array([
        np.sum(x * (digamma(px + q) - digamma(px) + np.log(x) + np.log(m) - np.log(s))) * p,
        np.sum(digamma(px + q) - digamma(q) + np.log(v) - np.log(s)) * q,
        np.sum(q / v - (px + q) / s) * v,
    ])
    n = len(x)
    return -ll.sum() / n, -g / n


def summaries(orders, end_day):
    """Per customer: purchase days up to end_day, x = days - 1, t_x / T in weeks, zbar = mean repeat-day value."""
    o = orders[orders["day"] <= end_day]
    days = o.groupby(["customer_id", "day"], sort=False)["value"].sum().reset_index()
    first = days.groupby("customer_id")["day"].transform("min")
    g = days.assign(first=first, repeat_value=days["value"].where(days["day"] > first, 0.0)).groupby("customer_id")
    s = pd.DataFrame({"n": g["day"].count(), "first": g["first"].first(), "last": g["day"].max(), "rv": g["repeat_value"].sum()})
    x = (s["n"] - 1).to_numpy(dtype=float)
    zbar = np.where(x > 0, s["rv"].to_numpy() / np.maximum(x, 1), 0.0)
    return x, (s["last"] - s["first"]).to_numpy(dtype=float) / 7, (end_day - s["first"]).to_numpy(dtype=float) / 7, zbar


def main():
    t0 = time.perf_counter()
    summary_seconds = 0.0
    if sys.argv[1] == "--orders":
        orders = pd.read_csv(sys.argv[2])
        t0 = time.perf_counter()
        x, t_x, T, zbar = summaries(orders, int(sys.argv[3]))
        summary_seconds = time.perf_counter() - t0
    else:
        df = pd.read_csv(sys.argv[1])
        x, t_x, T, zbar = (df[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "zbar"))
    t1 = time.perf_counter()
    bg = minimize(bgnbd_nll, np.log([1.0, max(1.0, T.mean()), 1.0, 1.0]), args=(x, t_x, T), jac=True, method="BFGS", options={"gtol": 1e-9})
    t2 = time.perf_counter()
    rep = x > 0
    gg = minimize(gg_nll, np.log([1.0, 2.0, zbar[rep].mean()]), args=(x[rep], zbar[rep]), jac=True, method="BFGS", options={"gtol": 1e-9})
    t3 = time.perf_counter()
    r, alpha, a, b = np.exp(bg.x)
    p, q, v = np.exp(gg.x)
    print(json.dumps({
        "customers": int(len(x)),
        "bgnbd": {"r": r, "alpha": alpha, "a": a, "b": b, "loglik": -bg.fun * len(x), "iterations": int(bg.nit), "success": bool(bg.success)},
        "gammaGamma": {"p": p, "q": q, "gamma": v, "loglik": -gg.fun * int(rep.sum()), "iterations": int(gg.nit), "success": bool(gg.success)},
        "seconds": {"summaries": summary_seconds, "bgnbd": t2 - t1, "gammaGamma": t3 - t2, "fit": t3 - t1},
    }))


if __name__ == "__main__":
    main()
