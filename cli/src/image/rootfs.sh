#!/usr/bin/env bash
# Builds the root file system every service image starts from (no registry is needed, nor a Docker daemon):
#   /opt/java          a Java runtime linked with jlink from the build's JDK (only the modules LeakGuard uses)
#   /lib, /lib64       the shared libraries that runtime and /bin/sh load (glibc, libstdc++, zlib), from this machine
#   /bin/sh            dash, for the launcher script
#   /etc/passwd,group  the unprivileged user leakguard (65532)
#   /tmp, /var/lib/leakguard, /home/leakguard   writable by that user
# Usage: rootfs.sh OUTPUT_DIR
set -euo pipefail
out="$1"
rm -rf "$out"
mkdir -p "$out"

javac_path="$(readlink -f "$(command -v javac)")"
jdk="${JAVA_HOME:-${javac_path%/bin/javac}}"
[ -d "$jdk/jmods" ] || jdk="${javac_path%/bin/javac}"
modules="java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,\
java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,\
java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.cryptoki,jdk.crypto.ec,\
jdk.httpserver,jdk.jfr,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.security.auth,\
jdk.unsupported,jdk.zipfs"
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$out/opt/java"

# Trusted CAs, for HTTPS to Alibaba Cloud and TLS to Kafka: Debian's JDK links them from /etc, so copy the file.
for cacerts in /etc/ssl/certs/java/cacerts "$jdk/lib/security/cacerts"; do
  if [ -s "$cacerts" ]; then
    rm -f "$out/opt/java/lib/security/cacerts"
    cp -L "$cacerts" "$out/opt/java/lib/security/cacerts"
    break
  fi
done

mkdir -p "$out/bin"
cp -L /bin/dash "$out/bin/sh"

# Every shared library the runtime's binaries and libraries and /bin/sh load, at the path the loader asks for.
# AWT, fonts, sound and the splash screen are never loaded by a headless service: their X11 libraries stay out.
{
  find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
    ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libfontmanager.so' ! -name 'libjsound.so' \
    ! -name 'libjawt.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' 
  echo "$out/bin/sh"
} | while read -r binary; do
  ldd "$binary" 2>/dev/null || true
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u | while read -r lib; do
  case "$lib" in "$out"/*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

mkdir -p "$out/etc" "$out/tmp" "$out/var/lib/leakguard" "$out/home/leakguard"
printf 'root:x:0:0:root:/root:/sbin/nologin\nleakguard:x:65532:65532:LeakGuard:/home/leakguard:/sbin/nologin\n' \
  > "$out/etc/passwd"
printf 'root:x:0:\nleakguard:x:65532:\n' > "$out/etc/group"
echo "image root file system: $(du -sh "$out" | cut -f1) in $out"
