// Package archtest holds the test that keeps architecture.md true: it
// lists every package's imports and fails on an arrow the architecture
// forbids. It has no code of its own.
package archtest
