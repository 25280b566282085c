set pagination off
set print frame-arguments scalars
handle SIGPIPE nostop noprint pass
# onSslBioOut(bio, operationType, argp, len, argi, argl, ret, processed): argi
# (the BIO ctrl command) is unnamed in mediasoup's source, so read it from r8
# at the first instruction (SysV ABI: 5th integer argument).
# Attached to the wrapper shell: stop at its exec() into the worker first.
catch exec
continue
delete
set $ktls = 0
break *onSslBioOut if $r8 == 73
commands
  silent
  set $ktls = 1
  printf "\n>>> onSslBioOut called for BIO_CTRL_GET_KTLS_SEND (73): operationType=0x%x\n", $esi
  continue
end
break DtlsTransport.cpp:86 if $ktls == 1
commands
  silent
  printf ">>> onSslBioOut returns %ld (operationType=0x%x, BIO_CB_RETURN=0x80, mem BIO's own ctrl result ret=%d)\n", resultOfcallback, operationType, ret
  bt 7
  set $ktls = 0
  continue
end
continue
echo \n=== backtrace ===\n
bt
kill
