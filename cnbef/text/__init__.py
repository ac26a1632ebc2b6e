"""Reading Chinese news text: numerals, period phrases, quotes. Depends on nothing else in cnbef."""
