"""Name pools for a Kent young carers' service, by community, with DfE ethnicity codes.

The pools are common given names and surnames of each community; the generator combines them
at random, so a name never describes a real person. The share of each community follows the
Kent cohort (a White British majority; Eastern European, South Asian, Black African and
Caribbean, mixed and Gypsy, Roma and Traveller minorities), tilted per district in ``places``.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True)
class Community:
    key: str
    codes: tuple[tuple[str, float], ...]  # DfE ethnicity codes and their weights
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    surnames: tuple[str, ...]
    # adults' given names (the cared-for parents and grandparents)
    men: tuple[str, ...] = ()
    women: tuple[str, ...] = ()


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRITISH = Community(
    "british", (("WBRI", 1.0),),
    _t("Oliver Harry George Jack Noah Charlie Jacob Alfie Freddie Oscar Leo Archie Henry Joshua Thomas "
       "James William Ethan Max Lucas Logan Finley Riley Tyler Mason Dylan Kai Callum Connor Reece "
       "Jayden Lewis Ben Sam Toby Ryan Liam Louie Ollie Theo Alex Daniel Luke Bradley Jake Harvey"),
    _t("Olivia Amelia Isla Ava Emily Sophie Grace Lily Ella Mia Poppy Evie Isabella Jessica Ruby Chloe "
       "Freya Millie Daisy Holly Megan Lucy Ellie Katie Phoebe Maisie Scarlett Summer Erin Leah Paige "
       "Jade Courtney Bethany Abbie Lauren Amber Willow Harriet Molly Rosie Niamh Tia Hollie Caitlin"),
    _t("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
       "White Roberts Green Hall Wood Jackson Clarke Turner Hill Cooper Ward Harris Martin Baker King "
       "Morris Lee Allen Moore Parker Mitchell Carter Collins Bell Cook Shaw Bennett Marsh Palmer Fox "
       "Hughes Lloyd Simpson Webb Chapman Ellis Harvey Mills Knight Spencer Gibson Pearce Stevens Dixon "
       "Rogers Fisher Barnes Holmes Pritchard Foster Hunt Sutton Payne Butler Russell Mason Elliott "
       "Goodwin Woodward Brooks Pullen Finn Sayer Kemp Gower Boorman Hogben Tolhurst Pilcher Friend"),
    _t("Paul Mark Lee Darren Craig Wayne Gary Stuart Martin Jason Dean Simon Neil Steven Kevin Ian"),
    _t("Sarah Emma Claire Nicola Kelly Lisa Donna Joanne Michelle Tracey Rachel Karen Stacey Gemma Amy"),
)

IRISH = Community(
    "irish", (("WIRI", 1.0),),
    _t("Cian Conor Sean Patrick Oisin Darragh Ronan Niall Eoin Cillian Fionn Padraig"),
    _t("Aoife Niamh Saoirse Ciara Roisin Siobhan Orla Clodagh Grainne Caoimhe Maeve Sinead"),
    _t("Murphy Kelly Byrne Ryan O'Brien Walsh O'Sullivan Doyle McCarthy Gallagher Kennedy Lynch Quinn"),
    _t("Declan Brendan Kieran Dermot Eamon"), _t("Bridget Mairead Colette Fionnuala Deirdre"),
)

TRAVELLER = Community(
    "traveller", (("WIRT", 1.0),),
    _t("Johnny Patrick Martin Michael Tom Francie Jimmy Mikey John Paddy Bernie Davey"),
    _t("Bridget Kathleen Margaret Mary Nora Winnie Ellen Chrissie Josie Shannon Brigid Sabrina"),
    _t("McDonagh Ward Joyce Doherty Maughan Connors Sweeney Collins McGinley Stokes Cash Mongan"),
    _t("Pat Mick Joe Tommy Frank"), _t("Annie Teresa Peggy Maggie Helen"),
)

GYPSY_ROMA = Community(
    "roma", (("WROM", 1.0),),
    _t("Marian Florin Ionut Denis Robert Adrian Mario Roberto Samuel David Lukas Dominik"),
    _t("Denisa Bianca Alexandra Andreea Maria Roxana Nikola Simona Daniela Veronika Gabriela Ramona"),
    _t("Lakatos Balogh Kolompar Oláh Horvath Dudas Radu Stan Lingurar Zapata Smith Lee Loveridge "
       "Boswell Buckland Penfold"),
    _t("Gheorghe Vasile Ion Ladislav Milan Levi"), _t("Elena Florica Mirela Renata Silvia Eva"),
)

EASTERN_EUROPEAN = Community(
    "eastern_european", (("WOTH", 1.0),),
    _t("Jakub Kacper Szymon Filip Mateusz Bartosz Antoni Igor Oskar Andrei Stefan Luca Matei Lukas "
       "Dominykas Mantas Tomas Eduard Nikolai Artur"),
    _t("Zuzanna Julia Lena Maja Hanna Oliwia Natalia Wiktoria Amelia Alicja Ioana Ana Sofia Daria "
       "Ieva Ugne Gabija Elena Karina Kamila"),
    _t("Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak "
       "Popescu Ionescu Dumitru Stoica Munteanu Kazlauskas Petrauskas Jankauskas Horvat Novak Dvorak"),
    _t("Piotr Tomasz Marek Krzysztof Andrzej Mihai Cristian Darius"),
    _t("Agnieszka Katarzyna Magdalena Joanna Anna Mihaela Cristina Jurgita"),
)

INDIAN = Community(
    "indian", (("AIND", 1.0),),
    _t("Arjun Aarav Rohan Vihaan Harjeet Gurpreet Jaskaran Amrit Karan Manveer Dev Ishaan Arman Sahil "
       "Jasdeep Navjot"),
    _t("Priya Anika Simran Jasleen Harleen Navneet Kiran Diya Aanya Manpreet Riya Asha Tanvi Gurleen "
       "Sukhleen Ishani"),
    _t("Singh Kaur Patel Sharma Gill Sandhu Dhillon Sidhu Bains Johal Sahota Mistry Parmar Chauhan Mehta "
       "Rai Grewal"),
    _t("Harjinder Sukhwinder Rajesh Balwinder Kuldip Sanjay"),
    _t("Parminder Rajinder Sunita Jaspal Meena Kamaljit"),
)

PAKISTANI = Community(
    "pakistani", (("APKN", 1.0),),
    _t("Muhammad Ibrahim Yusuf Hamza Zain Ayaan Bilal Hassan Usman Adam Haris Zakariya Rayyan Imran"),
    _t("Aisha Maryam Zainab Fatima Hafsa Khadija Iqra Amna Inaya Safa Anaya Hania Mahnoor Noor"),
    _t("Khan Hussain Ahmed Ali Iqbal Akhtar Shah Mahmood Rashid Butt Malik Bibi Aslam Raza Hanif "
       "Mirza Qureshi Sadiq"),
    _t("Tariq Zahid Arshad Shahid Nadeem Asif"), _t("Nasreen Shabana Rubina Farzana Samina Parveen"),
)

BANGLADESHI = Community(
    "bangladeshi", (("ABAN", 1.0),),
    _t("Abdul Rahim Sami Tahmid Mahir Ayan Rafiq Shahed Nabil Arif Jamal Yasin"),
    _t("Tasnim Sumaiya Nusrat Ruksana Jannat Sadia Tahmina Farhana Mariam Afia Raisa Samira"),
    _t("Begum Miah Uddin Rahman Islam Choudhury Hoque Ahmed Chowdhury Alom Karim Sultana"),
    _t("Abdul Shafiq Mizanur Habib Moinul"), _t("Rokeya Shahana Rehana Salma Momtaz"),
)

SOUTH_ASIAN_OTHER = Community(
    "south_asian_other", (("AOTH", 1.0),),
    _t("Aarush Suresh Nimal Dinesh Bishal Sujan Tharun Prakash"),
    _t("Nirosha Dilani Anusha Sabina Sushma Tharushi Priyanka Kavya"),
    _t("Gurung Thapa Rai Tamang Perera Fernando Silva Jayasuriya Sivakumar Rajapaksa"),
    _t("Ram Krishna Bahadur Ranjith"), _t("Sita Kamala Nirmala Chandrika"),
)

BLACK_AFRICAN = Community(
    "black_african", (("BAFR", 1.0),),
    _t("David Daniel Samuel Emmanuel Joshua Tobi Kwame Kofi Tunde Chidi Femi Tendai Ayo Segun Jeremiah "
       "Nathaniel Elijah"),
    _t("Grace Blessing Esther Precious Favour Adaeze Amara Chioma Ife Zara Abena Ruth Deborah Tolu "
       "Nia Amina Chanel"),
    _t("Okafor Adeyemi Mensah Okonkwo Adebayo Owusu Boateng Osei Nwosu Eze Mohamed Abdi Mutasa "
       "Chikwanha Banda Asante Oduya Olawale"),
    _t("Oluwaseun Kwabena Chukwuemeka Yaw Abdullahi Tafadzwa"),
    _t("Ngozi Folake Akua Funmilayo Halima Rutendo"),
)

CARIBBEAN = Community(
    "caribbean", (("BCRB", 1.0),),
    _t("Tyrese Jerome Marcus Andre Jordan Isaiah Malachi Reuben Kyle Jermaine Dion Trey"),
    _t("Aaliyah Shanice Tianna Jada Kiara Naomi Chantelle Keisha Imani Tyra Destiny Leanne"),
    _t("Campbell Brown Williams Thomas Reid Clarke Francis Morgan Henry Grant Bailey Gordon Edwards"),
    _t("Winston Delroy Clive Lloyd Errol"), _t("Marcia Beverley Yvonne Paulette Sonia"),
)

MIXED = Community(
    "mixed",
    (("MWBC", 0.35), ("MWBA", 0.2), ("MWAS", 0.25), ("MOTH", 0.2)),
    _t("Kian Jayden Malakai Zion Rio Kayden Ezra Isaac Aiden Reggie Miles Otis Jude Elias"),
    _t("Layla Maya Aaliyah Jasmine Nyla Ayla Skye Indie Keira Zara Leila Amara Esme Alana"),
    _t("Smith Williams Johnson Brown Taylor Ali Khan Campbell Thomas Green Hughes Mensah Clarke Baker"),
    _t("Leon Marlon Robbie Nathan Shaun"), _t("Danielle Natasha Jodie Hayley Kerry"),
)

CHINESE = Community(
    "chinese", (("CHNE", 1.0),),
    _t("Wei Jun Hao Ming Kai Ethan Jason Yu Chen Leo"),
    _t("Mei Ling Xin Yan Hui Jia Chloe Amy Lin Qing"),
    _t("Chen Wang Li Zhang Liu Wong Lam Cheung Ng Lau Huang Zhou"),
    _t("Jian Feng Guo"), _t("Xiu Fang Li"),
)

OTHER = Community(
    "other", (("OOTH", 0.8), ("REFU", 0.1), ("NOBT", 0.1)),
    _t("Ahmad Omar Mustafa Karwan Dilan Hamid Sardar Rahmat Amir Yonas Dawit Samir"),
    _t("Shirin Layla Hana Rojin Zahra Nour Hevin Sara Marwa Mahsa Selam Yasmin"),
    _t("Ahmadi Rahimi Hosseini Karimi Mohammadi Hassan Ibrahim Saleh Tesfaye Haile Abdullah Aziz"),
    _t("Hassan Reza Bakhtiar Kamal"), _t("Fatemeh Soraya Leyla Nasrin"),
)

# Kent-wide shares of each community among young carers.
BASE_MIX: dict[str, float] = {
    "british": 78.0, "eastern_european": 5.0, "mixed": 4.5, "black_african": 2.8, "indian": 2.0,
    "pakistani": 0.8, "bangladeshi": 0.6, "south_asian_other": 1.0, "caribbean": 0.8, "irish": 0.7,
    "traveller": 0.8, "roma": 0.8, "chinese": 0.4, "other": 0.8,
}

COMMUNITIES: dict[str, Community] = {
    c.key: c
    for c in (BRITISH, IRISH, TRAVELLER, GYPSY_ROMA, EASTERN_EUROPEAN, INDIAN, PAKISTANI, BANGLADESHI,
              SOUTH_ASIAN_OTHER, BLACK_AFRICAN, CARIBBEAN, MIXED, CHINESE, OTHER)
}


def pick_code(rng: Random, community: Community) -> str:
    if len(community.codes) == 1:
        return community.codes[0][0]
    codes, weights = zip(*community.codes, strict=True)
    return rng.choices(codes, weights)[0]


def child_name(rng: Random, community: Community, sex: str) -> str:
    if sex == "U":
        pool = community.boys if rng.random() < 0.5 else community.girls
    else:
        pool = community.boys if sex == "M" else community.girls
    return rng.choice(pool)


def adult_name(rng: Random, community: Community, female: bool) -> str:
    pool = (community.women or community.girls) if female else (community.men or community.boys)
    return rng.choice(pool)


def mixed_surname(rng: Random, code: str) -> str:
    """Mixed-heritage families take a surname from either side."""
    sides = {
        "MWBC": (BRITISH, CARIBBEAN), "MWBA": (BRITISH, BLACK_AFRICAN), "MWAS": (BRITISH, PAKISTANI, INDIAN),
    }.get(code, (BRITISH, MIXED))
    return rng.choice(rng.choice(sides).surnames)
