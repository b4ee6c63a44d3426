namespace odziv::daemon {}
