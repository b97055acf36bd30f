//! Hand-written SQL that diesel prepares once per connection and then reuses.
//!
//! `diesel::sql_query` never enters diesel's statement cache, so every call is parsed and
//! planned again; and `PREPARE`d statements cannot be run with bind parameters over the
//! extended protocol (Postgres answers "there is no parameter $1" to `EXECUTE name($1)`).
//! [`CachedSql`] is the third way: a fixed SQL text whose `$n` placeholders are filled with
//! typed binds, cached like any query built with the DSL (its key is the SQL and the bind
//! types). The hot statements of the message writer go through it.

use diesel::{
    expression::AsExpression,
    pg::Pg,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    query_dsl::RunQueryDsl,
    sql_types::{HasSqlType, Untyped},
};

/// A static SQL text with its binds; `$n` in the text is the n-th [`CachedSql::bind`].
#[must_use = "a query does nothing until it is executed or loaded"]
pub struct CachedSql<'a> {
    sql: &'static str,
    binds: Vec<Box<dyn QueryFragment<Pg> + 'a>>,
}

impl<'a> CachedSql<'a> {
    pub fn new(sql: &'static str) -> Self {
        Self { sql, binds: Vec::new() }
    }

    /// Adds the next bind, of SQL type `T`.
    pub fn bind<T, V>(mut self, value: V) -> Self
    where
        Pg: HasSqlType<T>,
        T: diesel::sql_types::SingleValue + diesel::query_builder::QueryId + 'static,
        V: AsExpression<T>,
        V::Expression: QueryFragment<Pg> + 'a,
    {
        self.binds.push(Box::new(value.as_expression()));
        self
    }
}

impl QueryFragment<Pg> for CachedSql<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> diesel::QueryResult<()> {
        let mut rest = self.sql;
        while let Some(at) = rest.find('$') {
            out.push_sql(&rest[..at]);
            let digits = rest[at + 1..].bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                out.push_sql("$");
                rest = &rest[at + 1..];
                continue;
            }
            let number: usize = rest[at + 1..at + 1 + digits].parse().unwrap_or(0);
            let bind = number
                .checked_sub(1)
                .and_then(|index| self.binds.get(index))
                .ok_or_else(|| diesel::result::Error::QueryBuilderError(format!("no bind for ${number} in a cached statement").into()))?;
            // Each placeholder becomes a bind of its own (diesel numbers them in order), so a
            // parameter used twice is sent twice: harmless for the few that are.
            bind.walk_ast(out.reborrow())?;
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

impl QueryId for CachedSql<'_> {
    type QueryId = ();
    // No static id: diesel keys its statement cache on the SQL text and the bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for CachedSql<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for CachedSql<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{BigInt, Text};

    #[test]
    fn placeholders_become_binds_in_order() {
        let query = CachedSql::new("SELECT $2::text, $1::int8, '$' || $2").bind::<BigInt, _>(7_i64).bind::<Text, _>("x");
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(sql.starts_with("SELECT $1::text, $2::int8, '$' || $3"), "{sql}");
        assert!(sql.contains(r#"binds: ["x", 7, "x"]"#), "{sql}");
    }

    #[test]
    fn a_missing_bind_is_an_error_not_a_panic() {
        let query = CachedSql::new("SELECT $1, $2").bind::<BigInt, _>(1_i64);
        let mut sql = String::new();
        let mut builder = <Pg as diesel::backend::Backend>::QueryBuilder::default();
        let result = query.to_sql(&mut builder, &Pg);
        sql.push_str(&diesel::query_builder::QueryBuilder::finish(builder));
        assert!(result.is_err(), "built {sql}");
    }
}
