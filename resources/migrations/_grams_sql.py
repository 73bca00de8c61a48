# SQL of portal_grams(text), kept out of the migration so that both directions can use it.

FAST = r"""CREATE OR REPLACE FUNCTION portal_grams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
BEGIN
  RETURN string_to_array(t, NULL)
    || string_to_array(regexp_replace(t, '(..)', E'\\1\x01', 'g'), E'\x01')
    || string_to_array(regexp_replace(substr(t, 2), '(..)', E'\\1\x01', 'g'), E'\x01');
END
$$"""

SLOW = """CREATE OR REPLACE FUNCTION portal_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) grams WHERE strpos(g, '|') = 0
$$"""

# Migration 0010: the 2-grams of t || '|' as a tsvector. Every character of the text starts
# one of them (the last one with the '|' added), so a 1-character term is a prefix query
# ('森':*) and a 2-character term a lexeme ('眼科'). Half the keys of portal_grams (no
# 1-grams), and lexemes compare bytewise instead of by collation: an import inserts about
# 40% fewer index entries, each cheaper (docs/performance.md). A regexp_replace remainder of
# one character becomes a 1-character lexeme, which a prefix query matches correctly.
BIGRAMS = r"""CREATE OR REPLACE FUNCTION portal_bigrams(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
BEGIN
  t := t || '|';
  RETURN array_to_tsvector(array_remove(
    string_to_array(regexp_replace(t, '(..)', E'\\1\x01', 'g'), E'\x01')
    || string_to_array(regexp_replace(substr(t, 2), '(..)', E'\\1\x01', 'g'), E'\x01'), ''));
END
$$"""
