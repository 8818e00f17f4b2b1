-- The consent policy as SQL, for bulk use (segment export, campaign audiences, partner files). The same rules as
-- src/domain/privacy/consent.ts `canUse`; test/privacy-consent.test.ts keeps them identical.
--   where customer_id in (select customer_id from permitted_customers($ws, $purpose))

-- The ledger entry in force per customer and purpose: the latest by time, then by id.
create view consent_latest as
select workspace_id, customer_id, purpose, status, changed_at
from (
  select workspace_id, customer_id, purpose, status, changed_at,
         row_number() over (partition by workspace_id, customer_id, purpose order by changed_at desc, id desc) as rn
  from consents
) where rn = 1;

-- Under 14 on the current date (art. 31): flagged, or derived from birth year and month-day (unknown month-day
-- counts as late in the year, so a child never looks older).
create macro customer_is_minor(is_minor, birth_year, birth_md) as
  coalesce(is_minor, false) or (birth_year is not null and
    (year(current_date) - birth_year - case when birth_md is null or strftime(current_date, '%m-%d') < birth_md then 1 else 0 end) < 14);

-- Active customers whose data may be used for purpose p: opt-in purposes need 'granted', analytics is allowed
-- until withdrawn; minors also need the guardian's grant.
create macro permitted_customers(ws, p) as table
select c.id as customer_id
from customers c
where c.workspace_id = ws
  and c.status = 'active'
  and (case when p = 'analytics'
            then not exists (select 1 from consent_latest l where l.workspace_id = ws and l.customer_id = c.id and l.purpose = p and l.status = 'withdrawn')
            else exists (select 1 from consent_latest l where l.workspace_id = ws and l.customer_id = c.id and l.purpose = p and l.status = 'granted') end)
  and (p = 'guardian'
       or not customer_is_minor(c.is_minor, c.birth_year, c.birth_md)
       or exists (select 1 from consent_latest g where g.workspace_id = ws and g.customer_id = c.id and g.purpose = 'guardian' and g.status = 'granted'));
