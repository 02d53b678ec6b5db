;; sleep: one poll_oneoff clock subscription of 200 ms (monotonic, relative),
;; then proc_exit(7). Under workerd the clock does not advance while a request
;; computes, so a spinning sleep would never end.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 200000000))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
    (call $exit (i32.const 7))))
