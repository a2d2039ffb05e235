select 'it''s', E'\n\x41\u00e9', $$dollar$$, $tag$x$tag$, $1, 0x1F, 1.5e10, .5, "Quoted""Name" -- comment
/* nested /* comment */ */ from t fetch first 3 rows only;select 2