DROP TABLE workspace_texts;
