#include "app/cli.h"

int main(int argc, char** argv) { return pro380::app::Main(argc, argv); }
