-- A believable v1 café of :guests guests and :orders orders, for the import's bench and its
-- interruption test. psql fills in :guests and :orders; the tests substitute them.
INSERT INTO public.baristas (telegram_id, first_name, last_name, is_admin, is_active)
SELECT (6000000000 + b)::text, 'Barista ' || b, NULL, b = 1, true FROM generate_series(1, 5) b;

INSERT INTO public.users (telegram_id, phone, first_name, last_name, birth_date, loyalty_status, points, drinks_count,
                          sandwiches_count, gift_drinks, gift_sandwiches, is_active, role)
SELECT (5000000000 + g)::text, '+7 9' || lpad(g::text, 9, '0'), 'Guest ' || g, NULL, date '1970-01-01' + (g % 12000),
       (ARRAY['standard', 'silver', 'gold', 'platinum']::public.loyaltylevelenum[])[1 + g % 4], (g * 7) % 900, 0, 0,
       (g % 10 = 0)::int, 0, g % 50 <> 0, 'client'
FROM generate_series(1, :guests) g;

INSERT INTO public.orders (user_id, barista_id, code_id, receipt_number, total_sum, drinks_count, sandwiches_count, use_points,
                           used_points_amount, date_created)
SELECT 1 + o % :guests, 1 + o % 5, NULL, 'R' || o, 100 + (o * 37) % 900, 1, 0, o % 5 = 0, CASE WHEN o % 5 = 0 THEN 10 ELSE 0 END,
       timestamptz '2024-01-01 00:00+03' + o * interval '20 seconds'
FROM generate_series(1, :orders) o;

INSERT INTO public.gifts (user_id, type, amount, created_by, date_created, is_written_off)
SELECT g, 'drink', 1, NULL, timestamptz '2025-06-01 12:00+03', false FROM generate_series(10, :guests, 10) g;

INSERT INTO public.feedbacks (user_id, score, text, created_at)
SELECT g, 1 + g % 10, CASE WHEN g % 3 = 0 THEN 'Спасибо!' END, timestamptz '2025-06-01 12:00+03'
FROM generate_series(7, :guests, 7) g;
