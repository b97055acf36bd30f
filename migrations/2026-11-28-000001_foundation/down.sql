DROP TABLE user_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE workspaces;
DROP TABLE users;
