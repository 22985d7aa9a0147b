# Sourced by ./mvnw and bin/portcullis. Points JAVA_HOME at a JDK 25 or newer.
#
# Looks, in order, at $PORTCULLIS_JAVA_HOME, $JAVA_HOME, the `java` on the PATH, and every JDK
# under /usr/lib/jvm (newest first). The first one whose release file says 25 or more wins, so a
# machine whose default java is 17 and which has Temurin 25 installed needs no set-up at all.

portcullis_jdk_major() {
  # Prints the feature release of the JDK at $1 (e.g. 25), or nothing if it is not a JDK.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
}

portcullis_find_jdk() {
  _pc_path_java=$(command -v java 2>/dev/null || true)
  _pc_path_home=
  if [ -n "$_pc_path_java" ]; then
    _pc_path_home=$(dirname "$(dirname "$(readlink -f "$_pc_path_java")")")
  fi
  for _pc_home in "${PORTCULLIS_JAVA_HOME-}" "${JAVA_HOME-}" "$_pc_path_home" \
      $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort -r); do
    [ -n "$_pc_home" ] || continue
    _pc_major=$(portcullis_jdk_major "$_pc_home")
    if [ -n "$_pc_major" ] && [ "$_pc_major" -ge 25 ]; then
      JAVA_HOME=$_pc_home
      export JAVA_HOME
      return 0
    fi
  done
  echo "Portcullis needs a JDK 25 or newer and found none." >&2
  echo "Looked at \$PORTCULLIS_JAVA_HOME, \$JAVA_HOME, the java on the PATH and /usr/lib/jvm/*." >&2
  echo "Install one (e.g. Temurin 25) or set PORTCULLIS_JAVA_HOME to its directory." >&2
  return 1
}

portcullis_find_jdk || exit 1
