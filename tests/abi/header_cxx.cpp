// abi.h compiles alone as C++20 -pedantic with the same layout; plugin.hpp compiles too.
#include <cartera/abi.h>
#include "layout.h"
#include <cartera/plugin.hpp>
int cartera_header_cxx_compiles() { return CARTERA_ABI_MAJOR; }
