//! The report's tables as CSV downloads.
