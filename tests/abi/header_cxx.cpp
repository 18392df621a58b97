// abi.h compiles alone as C++20 -pedantic with the same layout; plugin.hpp compiles too.
#include "layout.h"
#include <cartera/abi.h>
#include <cartera/plugin.hpp>
int cartera_header_cxx_compiles() {
  return CARTERA_ABI_MAJOR;
}
