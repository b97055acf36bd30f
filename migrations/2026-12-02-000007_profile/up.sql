-- The zone the console shows times in; NULL shows them in the browser's own zone.
ALTER TABLE users ADD COLUMN time_zone text CHECK (char_length(time_zone) BETWEEN 1 AND 64);
