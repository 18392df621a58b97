/* Makes every public struct of abi.h reachable from an exported symbol, so that abidw/abidiff
** see them (libabigail only follows types reachable from exported functions). */
#include <cartera/abi.h>

void cartera_abi_anchor_descriptor(const cartera_plugin_descriptor *d) {
  (void)d;
}
void cartera_abi_anchor_host_services(const cartera_host_services *h) {
  (void)h;
}
void cartera_abi_anchor_value(const cartera_value *v) {
  (void)v;
}
void cartera_abi_anchor_column(const cartera_column *c) {
  (void)c;
}
void cartera_abi_anchor_doc_type(const cartera_doc_type *t) {
  (void)t;
}
void cartera_abi_anchor_entry(cartera_plugin_entry_fn f) {
  (void)f;
}
