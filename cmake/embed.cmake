# embed.cmake - turn a file into a C array at build time.
#   cmake -DINPUT=<file> -DOUTPUT=<file.c> -DSYMBOL=<name> -P embed.cmake
# Defines `const unsigned char NAME[]` (NUL-terminated) and `const size_t NAME_LEN`.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR len "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${INPUT} by cmake/embed.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char ${SYMBOL}[];\n"
  "extern const size_t ${SYMBOL}_LEN;\n"
  "const unsigned char ${SYMBOL}[] = {${bytes}0x00};\n"
  "const size_t ${SYMBOL}_LEN = ${len};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
