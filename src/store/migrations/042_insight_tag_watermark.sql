-- Tags are recomputed for everyone when the reference day moves (recency rules), so remember it.
alter table insight_watermarks add column as_of date;
