-- 0012 · Gifts are named in Russian and English: guests and staff read the name in their own
-- language. The default catalogue becomes «Напиток» / Drink and «Сэндвич» / Sandwich, and gifts
-- already given under the old English-only names are renamed with it. An issued gift keeps the
-- names it was given with, so renaming an item later does not rewrite history.

ALTER TABLE gift_catalog ADD COLUMN name_en text CHECK (length(name_en) BETWEEN 1 AND 100);
UPDATE gift_catalog SET name = 'Напиток', name_en = 'Drink' WHERE slug = 'drink' AND name = 'Drink';
UPDATE gift_catalog SET name = 'Сэндвич', name_en = 'Sandwich' WHERE slug = 'sandwich' AND name = 'Sandwich';
UPDATE gift_catalog SET name_en = name WHERE name_en IS NULL;
ALTER TABLE gift_catalog ALTER COLUMN name_en SET NOT NULL;

ALTER TABLE customer_gifts ADD COLUMN name_en text;
UPDATE customer_gifts g SET name = c.name, name_en = c.name_en
FROM gift_catalog c
WHERE g.catalog_id = c.id AND c.slug IN ('drink', 'sandwich') AND g.name IN ('Drink', 'Sandwich');
UPDATE customer_gifts SET name_en = name WHERE name_en IS NULL;
ALTER TABLE customer_gifts ALTER COLUMN name_en SET NOT NULL;
