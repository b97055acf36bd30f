ALTER INDEX messages_search_idx RESET (fastupdate);
