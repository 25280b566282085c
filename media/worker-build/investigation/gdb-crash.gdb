set pagination off
set print frame-arguments scalars
handle SIGPIPE nostop noprint pass
continue
echo \n=== backtrace ===\n
bt
echo \n=== faulting instruction / registers ===\n
x/3i $pc
info registers rip r13 rax rdi
echo \n=== bt full (top 4) ===\n
bt full 4
kill
