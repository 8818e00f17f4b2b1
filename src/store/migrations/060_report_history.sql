-- Monthly reports kept as history (报告历史): one row per generated month; the files live under
-- <SIYU_DATA_DIR>/reports/<month>/report-<lang>.<format>.
create table report_history (
  workspace_id integer not null,
  month varchar not null,              -- 'YYYY-MM', the calendar month reported on
  period_from date not null,
  period_to date not null,
  generated_at timestamp not null,
  files json not null,                 -- ["report-zh.html", "report-en.md", …]
  findings integer not null,
  recommendations integer not null,
  primary key (workspace_id, month)
);
