//! The report's charts as server-rendered SVG.
